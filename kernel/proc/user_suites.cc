#include "kernel/proc/user_suites.h"

#include "kernel/arch/mmu.h"
#include "kernel/arch/timer.h"
#include "kernel/lib/base64.h"
#include "kernel/lib/cmdline.h"
#include "kernel/lib/cpio.h"
#include "kernel/lib/glob.h"
#include "kernel/lib/string.h"
#include "kernel/proc/nested_ktap.h"
#include "kernel/proc/scheduler.h"

namespace {

constexpr unsigned MAX_PROGRAMS = 32;
constexpr size_t NAME_LENGTH = 48;
constexpr uint64_t DEFAULT_TIMEOUT_SECONDS = 5;

// How a program must end for its exit_status case to pass. Programs not listed exit 0.
struct Ending {
  const char* name;
  ExitKind kind;
  int signal;
  uint64_t time_limit_ms;  // 0: the command line's limit
};
constexpr Ending ENDINGS[] = {
    {"kill", ExitKind::Signaled, SIGNAL_ABRT, 0},
    {"segv", ExitKind::Signaled, SIGNAL_SEGV, 0},
    // Spins until the kernel stops it: a short limit keeps the boot quick.
    {"spin", ExitKind::TimeLimit, SIGNAL_KILL, 200},
};

struct Program {
  char path[NAME_LENGTH];
  char suite[NAME_LENGTH];
  Ending ending;
};

struct Programs {
  const BootInfo* info;
  unsigned count;
  Program programs[MAX_PROGRAMS];
};
Programs g_programs;

Result<CpioArchive> initramfs(const BootInfo& info) {
  if (info.initrd.size == 0) return Error::NotFound;
  return CpioArchive::parse(arch_phys_to_virt(info.initrd.base), info.initrd.size);
}

bool selected(void* context, unsigned index, StringView filter) {
  const Program& program = static_cast<Programs*>(context)->programs[index];
  char full[NAME_LENGTH + 16];
  const size_t length = format_to_buffer(full, sizeof(full), "%s.exit_status", program.suite);
  const StringView name(full, length);
  while (true) {
    const size_t comma = filter.find(',');
    if (glob_match(filter.substr(0, comma), name)) return true;
    if (comma == filter.size()) return false;
    filter = filter.substr(comma + 1);
  }
}

// Standard error: "~err <base64>" lines on the console, one per piece of up to 48 bytes.
void write_err(void* console, const char* s, size_t n) {
  Sink& out = *static_cast<Sink*>(console);
  while (n > 0) {
    const size_t step = n < 48 ? n : 48;
    out.write("~err ", 5);
    base64_encode(out, s, step);
    out.put('\n');
    s += step;
    n -= step;
  }
}

bool matches(const ProcessExit& exit, const Ending& ending) {
  if (exit.kind != ending.kind) return false;
  return ending.kind == ExitKind::Exited ? exit.status == 0 : exit.signal == ending.signal;
}

void describe(const ProcessExit& exit, char* text, size_t size) {
  switch (exit.kind) {
    case ExitKind::Exited:
      format_to_buffer(text, size, "exited with status %d", exit.status);
      return;
    case ExitKind::Signaled:
      format_to_buffer(text, size, "killed by %s", signal_name(exit.signal));
      return;
    case ExitKind::TimeLimit:
      format_to_buffer(text, size, "still running at its time limit: killed by SIGKILL");
      return;
  }
}

ktest::Counts run(void* context, unsigned index, ktest::KtapWriter& writer, Sink& console,
                  unsigned number) {
  auto* all = static_cast<Programs*>(context);
  const Program& program = all->programs[index];
  NestedKtap nest(writer, console, program.suite);
  Sink err(&write_err, &console);
  const char* reason = nullptr;
  Result<Process*> started =
      user_program_start(*all->info, program.path, &nest.sink(), &err, &reason);
  char text[160];
  if (started.is_error()) {
    format_to_buffer(text, sizeof(text), "cannot start %s: %s (%s)", program.path, reason,
                     error_name(started.error()));
    return nest.finish(number, "exit_status", ktest::Status::Fail, text);
  }
  Process* p = started.value();
  SchedulerOptions options = user_scheduler_options(*all->info);
  if (program.ending.time_limit_ms != 0) {
    options.time_limit_ticks = arch_counter_frequency() * program.ending.time_limit_ms / 1000;
  }
  scheduler_add(p, options);
  scheduler_run_until_exit(p);
  const ProcessExit exit = p->exit;
  const unsigned check_failures = p->check_failures;
  process_destroy(p);
  char how[96];
  describe(exit, how, sizeof(how));
  const bool ok = matches(exit, program.ending) && check_failures == 0;
  if (check_failures != 0) {
    format_to_buffer(text, sizeof(text), "%s; the page tables disagreed with the VMAs %u times",
                     how, check_failures);
  } else {
    format_to_buffer(text, sizeof(text), "%s%s", how, ok ? "" : " (not the expected ending)");
  }
  return nest.finish(number, "exit_status", ok ? ktest::Status::Pass : ktest::Status::Fail, text);
}

ktest::Counts list(void* context, unsigned index, ktest::KtapWriter& writer, unsigned number) {
  const Program& program = static_cast<Programs*>(context)->programs[index];
  writer.begin_suite(program.suite, 1);
  writer.case_result(1, "exit_status", ktest::Status::Skip, "listed");
  ktest::Counts counts;
  counts.add(ktest::Status::Skip);
  writer.end_suite(number, program.suite, counts);
  return counts;
}

bool flag(const BootInfo& info, const char* key) {
  Result<StringView> value = cmdline_get(info.cmdline, key);
  return value.is_ok() && value.value() == StringView("1");
}

}  // namespace

SchedulerOptions user_scheduler_options(const BootInfo& info) {
  uint64_t seconds = DEFAULT_TIMEOUT_SECONDS;
  if (Result<StringView> given = cmdline_get(info.cmdline, "maplet.user_timeout"); given.is_ok()) {
    uint64_t parsed = 0;
    bool valid = given.value().size() > 0 && given.value().size() < 6;
    for (size_t i = 0; valid && i < given.value().size(); i++) {
      const char c = given.value()[i];
      valid = c >= '0' && c <= '9';
      parsed = parsed * 10 + static_cast<uint64_t>(c - '0');
    }
    if (valid && parsed > 0) seconds = parsed;
  }
  SchedulerOptions options{};
  options.time_limit_ticks = arch_counter_frequency() * seconds;
  options.check_mm = flag(info, "maplet.check_mm");
  return options;
}

Result<Process*> user_program_start(const BootInfo& info, const char* path, Sink* out, Sink* err,
                                    const char** reason) {
  *reason = "no such program in the initramfs";
  const ProcessArch* arch = process_arch(info.arch_name);
  if (arch == nullptr) return Error::NotFound;
  const CpioArchive archive = TRY(initramfs(info));
  const CpioEntry entry = TRY(archive.find(path));
  ExecRequest request{};
  request.arch = arch;
  request.file = entry.data;
  request.size = entry.size;
  request.inode = entry.ino;
  request.path = path;
  request.randomize = cmdline_get(info.cmdline, "norandmaps").is_error();
  request.pid = scheduler_next_pid();
  request.parent_pid = 0;  // started by the kernel, as Linux's init has parent 0
  request.out = out;
  request.err = err;
  return process_exec(request, reason);
}

ktest::ExternalSuites user_suites(const BootInfo& info) {
  ktest::ExternalSuites suites{};
  Result<CpioArchive> archive = initramfs(info);
  if (process_arch(info.arch_name) == nullptr || archive.is_error()) return suites;
  g_programs.info = &info;
  g_programs.count = 0;
  for (const CpioEntry& entry : archive.value()) {
    StringView name = entry.name;
    if (name.starts_with("/")) name = name.substr(1);
    if (!entry.is_regular() || !name.starts_with("bin/") || g_programs.count == MAX_PROGRAMS) {
      continue;
    }
    const StringView base = name.substr(4);
    if (base.size() == 0 || base.size() + 6 > NAME_LENGTH || base.find('/') != base.size())
      continue;
    Program& program = g_programs.programs[g_programs.count++];
    format_to_buffer(program.path, sizeof(program.path), "/bin/%.*s", static_cast<int>(base.size()),
                     base.data());
    format_to_buffer(program.suite, sizeof(program.suite), "user_%.*s",
                     static_cast<int>(base.size()), base.data());
    program.ending = Ending{nullptr, ExitKind::Exited, 0, 0};
    for (const Ending& ending : ENDINGS) {
      if (base == StringView(ending.name)) program.ending = ending;
    }
  }
  suites.count = g_programs.count;
  suites.selected = selected;
  suites.run = run;
  suites.list = list;
  suites.context = &g_programs;
  return suites;
}
