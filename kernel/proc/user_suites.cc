#include "kernel/proc/user_suites.h"

#include "kernel/arch/mmu.h"
#include "kernel/arch/timer.h"
#include "kernel/coredump/process_core.h"
#include "kernel/lib/bench_figure.h"
#include "kernel/lib/cmdline.h"
#include "kernel/lib/cpio.h"
#include "kernel/lib/glob.h"
#include "kernel/lib/string.h"
#include "kernel/proc/console_artifact.h"
#include "kernel/proc/console_stream.h"
#include "kernel/proc/core_transport.h"
#include "kernel/proc/kernel_memory.h"
#include "kernel/proc/nested_ktap.h"
#include "kernel/proc/scheduler.h"
#include "kernel/proc/start_exit_bench.h"
#include "kernel/proc/vdso_setup.h"

namespace {

// The oracle's /init and every differential program (/p/ of its initramfs). A program past the
// last, or with a name too long for NAME_LENGTH, is not run: the extra suite <prefix>programs
// reports it as a failed case "left_out".
constexpr unsigned MAX_PROGRAMS = 64;
constexpr size_t NAME_LENGTH = 48;
// The longest program name: its suite "oracle_<name>", its path "/bench/<name>" and "<name>.obs"
// fit NAME_LENGTH with their terminating zeros.
constexpr size_t MAX_NAME = NAME_LENGTH - sizeof("oracle_");
// Only a hang catcher: the slowest program (the syscall fuzz) takes 2-5 s of guest time on a
// loaded 2-core host, and the runner's boot timeout (60 s) must stay well above it.
constexpr uint64_t DEFAULT_TIMEOUT_SECONDS = 20;
// A differential program's observations: a few KiB, about 3 KiB a seed for fuzz_mm (make
// oracle-fuzz runs a hundred and more); more is a failed case, not a partial file.
constexpr size_t OBSERVATION_CAPACITY = 1024 * 1024;
// maplet.bench=1: the program whose whole life the kernel times, and how often.
constexpr const char* START_EXIT_PROGRAM = "/bin/minimal";
constexpr unsigned START_EXIT_RUNS = 21;
// maplet.oracle=1: the oracle's /init (oracle/init.c) runs first, as on Linux, with this argument,
// and reports the counter at its first instruction; then the kernel, as /init on Linux, times
// START_EXIT_RUNS lives of "/init exit", which exits at once.
constexpr const char* ORACLE_INIT = "/init";
constexpr const char* ORACLE_INIT_FIRST[] = {"first"};
constexpr const char* ORACLE_INIT_EXIT[] = {"exit"};

// How a program must end for its exit_status case to pass. Programs not listed exit 0.
struct Ending {
  const char* name;
  ExitKind kind;
  int signal;
  uint64_t time_limit_ms;  // 0: the command line's limit
  bool core;               // killed with a core file written (the wait status's core bit)
};
constexpr Ending ENDINGS[] = {
    {"kill", ExitKind::Signaled, SIGNAL_ABRT, 0, true},
    {"segv", ExitKind::Signaled, SIGNAL_SEGV, 0, true},
    {"core_dump", ExitKind::Signaled, SIGNAL_SEGV, 0, true},
    // A tag-check fault with arm64 MTE, a plain fault elsewhere.
    {"core_mte", ExitKind::Signaled, SIGNAL_SEGV, 0, true},
    // Return addresses signed with pointer authentication on arm64, then a fault.
    {"core_pac", ExitKind::Signaled, SIGNAL_SEGV, 0, true},
    // Core dumps turned off by prctl(PR_SET_DUMPABLE, 0) and by an RLIMIT_CORE below a page.
    {"core_nodump", ExitKind::Signaled, SIGNAL_SEGV, 0, false},
    {"core_nolimit", ExitKind::Signaled, SIGNAL_SEGV, 0, false},
    // The 64 MiB core of the transport measurement (scripts/measure-core-transport.sh).
    {"core_big", ExitKind::Signaled, SIGNAL_SEGV, 0, true},
    // Spins until the kernel stops it: a short limit keeps the boot quick.
    {"spin", ExitKind::TimeLimit, SIGNAL_KILL, 200, false},
};

struct Program {
  char path[NAME_LENGTH];
  char suite[NAME_LENGTH];
  char name[NAME_LENGTH];  // the file name: the differential programs' argv[0]
  Ending ending;
  bool
      oracle_init;  // the oracle's /init: run with ORACLE_INIT_FIRST, then timed from start to exit
};

struct Programs {
  const BootInfo* info;
  bool oracle;  // maplet.oracle=1: the differential programs under /p/
  bool bench;   // maplet.bench=1: the speed measurement under /bench/
  // Where cores go: the console of the program being run, and maplet.host_dir=.
  CoreTransport cores;
  unsigned count;
  Program programs[MAX_PROGRAMS];
  // The programs of the directory that are not among `programs`, and the first of them.
  unsigned left_out;
  char first_left_out[NAME_LENGTH];
  char left_out_suite[NAME_LENGTH];  // "<prefix>programs", the suite at index `count`
};
Programs g_programs;

Result<CpioArchive> initramfs(const BootInfo& info) {
  if (info.initrd.size == 0) return Error::NotFound;
  return CpioArchive::parse(arch_phys_to_virt(info.initrd.base), info.initrd.size);
}

// The one case of each program's suite.
const char* case_name(const Programs& all) { return all.oracle ? "observation" : "exit_status"; }

// The case of the suite that reports the programs left out (index `count`).
constexpr const char* LEFT_OUT_CASE = "left_out";

bool selected(void* context, unsigned index, StringView filter) {
  const auto* all = static_cast<Programs*>(context);
  char full[NAME_LENGTH + 16];
  const size_t length =
      index == all->count
          ? format_to_buffer(full, sizeof(full), "%s.%s", all->left_out_suite, LEFT_OUT_CASE)
          : format_to_buffer(full, sizeof(full), "%s.%s", all->programs[index].suite,
                             case_name(*all));
  const StringView name(full, length);
  while (true) {
    const size_t comma = filter.find(',');
    if (glob_match(filter.substr(0, comma), name)) return true;
    if (comma == filter.size()) return false;
    filter = filter.substr(comma + 1);
  }
}

// The program's arguments from the command line word maplet.args.<name>=A,B,...: argv[1] on,
// split at commas, at most USER_MAX_ARGS of them, the text kept in `storage`.
struct ProgramArgs {
  char storage[128];
  const char* args[USER_MAX_ARGS];
  unsigned count;
};
void program_args(const BootInfo& info, const char* name, ProgramArgs& out) {
  out.count = 0;
  char key[NAME_LENGTH + 16];
  const size_t key_length = format_to_buffer(key, sizeof(key), "maplet.args.%s", name);
  Result<StringView> value = cmdline_get(info.cmdline, StringView(key, key_length));
  if (value.is_error() || value.value().size() == 0) return;
  StringView rest = value.value();
  size_t used = 0;
  while (out.count < USER_MAX_ARGS) {
    const size_t comma = rest.find(',');
    const size_t length = comma < sizeof(out.storage) - used - 1 ? comma : 0;
    klib::mem_copy(out.storage + used, rest.data(), length);
    out.storage[used + length] = '\0';
    out.args[out.count++] = out.storage + used;
    used += length + 1;
    if (comma == rest.size() || used >= sizeof(out.storage)) return;
    rest = rest.substr(comma + 1);
  }
}

bool matches(const ProcessExit& exit, const Ending& ending) {
  if (exit.kind != ending.kind) return false;
  if (ending.kind == ExitKind::Exited) return exit.status == 0;
  return exit.signal == ending.signal && exit.core == ending.core;
}

void describe(const ProcessExit& exit, char* text, size_t size) {
  switch (exit.kind) {
    case ExitKind::Exited:
      format_to_buffer(text, size, "exited with status %d", exit.status);
      return;
    case ExitKind::Signaled:
      format_to_buffer(text, size, "killed by %s%s", signal_name(exit.signal),
                       exit.core ? " (core dumped)" : "");
      return;
    case ExitKind::TimeLimit:
      format_to_buffer(text, size, "still running at its time limit: killed by SIGKILL");
      return;
  }
}

// Both output streams into one buffer, as the oracle's /init gives its programs one pipe.
struct Observation {
  char* text;
  size_t used;
  bool overflowed;
};
void observe(void* context, const char* s, size_t n) {
  auto* o = static_cast<Observation*>(context);
  if (n > OBSERVATION_CAPACITY - o->used) {
    o->overflowed = true;
    n = OBSERVATION_CAPACITY - o->used;
  }
  klib::mem_copy(o->text + o->used, s, n);
  o->used += n;
}

// The status line run-linux.sh writes from /init's end frame.
void status_line(const ProcessExit& exit, Sink& sink) {
  switch (exit.kind) {
    case ExitKind::Exited:
      format(sink, "status exit %d\n", exit.status);
      return;
    case ExitKind::Signaled:
      format(sink, "status signal %d\n", exit.signal);
      return;
    case ExitKind::TimeLimit:
      format(sink, "status timeout\n");
      return;
  }
}

// The oracle's /init line "time.program_start_exit_ns <median ns>" (or "none <why>").
void start_exit_line(const BootInfo& info, Sink& sink) {
  uint64_t ticks[START_EXIT_RUNS];
  const char* reason = nullptr;
  const StartExitProgram init{ORACLE_INIT, "init", ORACLE_INIT_EXIT, 1};
  if (time_start_exit(info, init, START_EXIT_RUNS, ticks, &reason).is_error()) {
    format(sink, "time.program_start_exit_ns none %s\n", reason);
    return;
  }
  bench_sort(ticks, START_EXIT_RUNS);
  format(sink, "time.program_start_exit_ns %llu\n",
         static_cast<unsigned long long>(ticks[START_EXIT_RUNS / 2] * 1000000000u /
                                         arch_counter_frequency()));
}

// A differential program (oracle/README.md): its output and status line go to the host as the
// artifact <name>.obs; the case passes when the whole observation was sent, however the program
// ended (the comparison with Linux judges that). A program exec refuses is observed as the
// oracle's /init child reports a failed execve: "~exec-failed <errno>", then exit status 127.
ktest::Counts run_observed(const Programs& all, const Program& program, ktest::KtapWriter& writer,
                           Sink& console, unsigned number) {
  writer.begin_suite(program.suite, 1);
  ktest::Counts counts;
  const auto finish = [&](ktest::Status status, const char* text) {
    writer.case_result(1, "observation", status, text);
    counts.add(status);
    writer.end_suite(number, program.suite, counts);
    return counts;
  };
  Result<void*> memory = kernel_alloc(OBSERVATION_CAPACITY);
  if (memory.is_error()) return finish(ktest::Status::Fail, "no memory for the observation");
  Observation observation{static_cast<char*>(memory.value()), 0, false};
  Sink sink(&observe, &observation);
  const char* reason = nullptr;
  char text[160];
  Result<Process*> started = user_program_start(
      *all.info, program.path, &sink, &sink, &reason, program.name,
      program.oracle_init ? ORACLE_INIT_FIRST : nullptr, program.oracle_init ? 1 : 0);
  if (started.is_error() && program.oracle_init) {
    kernel_free(memory.value(), OBSERVATION_CAPACITY);
    format_to_buffer(text, sizeof(text), "cannot start %s: %s (%s)", program.path, reason,
                     error_name(started.error()));
    return finish(ktest::Status::Fail, text);
  }
  ProcessExit exit{};
  if (started.is_error()) {
    format(sink, "~exec-failed %d\n", to_errno(started.error()));
    exit.status = 127;
  } else {
    Process* p = started.value();
    scheduler_add(p, user_scheduler_options(*all.info));
    scheduler_run_until_exit(p);
    exit = p->exit;
    process_destroy(p);
  }
  if (program.oracle_init) start_exit_line(*all.info, sink);
  status_line(exit, sink);
  char name[NAME_LENGTH + 8];
  format_to_buffer(name, sizeof(name), "%s.obs", program.name);
  const bool whole = !observation.overflowed;
  if (whole) send_console_artifact(console, name, observation.text, observation.used);
  kernel_free(memory.value(), OBSERVATION_CAPACITY);
  if (whole) {
    format_to_buffer(text, sizeof(text), "sent %s", name);
  } else {
    format_to_buffer(text, sizeof(text), "%s: more output than %zu bytes", name,
                     OBSERVATION_CAPACITY);
  }
  return finish(whole ? ktest::Status::Pass : ktest::Status::Fail, text);
}

// The suite of the programs left out: one failed case that says how many and names the first.
ktest::Counts run_left_out(const Programs& all, ktest::KtapWriter& writer, unsigned number,
                           ktest::Status status) {
  char text[160];
  format_to_buffer(text, sizeof(text),
                   "%u programs not run (past the first %u, or a name longer than %zu "
                   "characters), the first %s",
                   all.left_out, MAX_PROGRAMS, MAX_NAME, all.first_left_out);
  writer.begin_suite(all.left_out_suite, 1);
  if (status == ktest::Status::Fail) writer.diagnostic("%s", text);
  writer.case_result(1, LEFT_OUT_CASE, status, text);
  ktest::Counts counts;
  counts.add(status);
  writer.end_suite(number, all.left_out_suite, counts);
  return counts;
}

ktest::Counts run(void* context, unsigned index, ktest::KtapWriter& writer, Sink& console,
                  unsigned number) {
  auto* all = static_cast<Programs*>(context);
  if (index == all->count) return run_left_out(*all, writer, number, ktest::Status::Fail);
  all->cores.console = &console;
  core_set_transport(&core_transport_send, &all->cores);
  const Program& program = all->programs[index];
  if (all->oracle) return run_observed(*all, program, writer, console, number);
  NestedKtap nest(writer, console, program.suite);
  ConsoleStream err_stream{&console, ConsoleStream::Kind::Err};
  Sink err = err_stream.sink();
  const char* reason = nullptr;
  ProgramArgs args;
  program_args(*all->info, program.name, args);
  Result<Process*> started = user_program_start(*all->info, program.path, &nest.sink(), &err,
                                                &reason, nullptr, args.args, args.count);
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
  // The kernel's figure goes into the suite's stream after the program's own.
  if (all->bench)
    bench_process_start_exit(*all->info, START_EXIT_PROGRAM, START_EXIT_RUNS, nest.sink());
  char how[96];
  describe(exit, how, sizeof(how));
  const bool ok = matches(exit, program.ending) && check_failures == 0;
  if (check_failures != 0) {
    format_to_buffer(text, sizeof(text), "%s; the mm check failed after %u system calls", how,
                     check_failures);
  } else {
    format_to_buffer(text, sizeof(text), "%s%s", how, ok ? "" : " (not the expected ending)");
  }
  return nest.finish(number, "exit_status", ok ? ktest::Status::Pass : ktest::Status::Fail, text);
}

ktest::Counts list(void* context, unsigned index, ktest::KtapWriter& writer, unsigned number) {
  const auto* all = static_cast<Programs*>(context);
  if (index == all->count) return run_left_out(*all, writer, number, ktest::Status::Skip);
  const Program& program = all->programs[index];
  writer.begin_suite(program.suite, 1);
  writer.case_result(1, case_name(*all), ktest::Status::Skip, "listed");
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

Result<ExecRequest> user_exec_request(const BootInfo& info, const char* path, Sink* out, Sink* err,
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
  // Every program gets the arch's vDSO when the kernel has one (the host has none).
  Result<const VdsoMapping*> vdso = vdso_for(*arch);
  request.vdso = vdso.is_ok() ? vdso.value() : nullptr;
  return request;
}

Result<Process*> user_program_start(const BootInfo& info, const char* path, Sink* out, Sink* err,
                                    const char** reason, const char* argv0, const char* const* args,
                                    unsigned arg_count) {
  if (arg_count > USER_MAX_ARGS) {
    *reason = "too many arguments";
    return Error::Invalid;
  }
  ExecRequest request = TRY(user_exec_request(info, path, out, err, reason));
  const char* argv[1 + USER_MAX_ARGS] = {argv0 != nullptr ? argv0 : path};
  for (unsigned i = 0; i < arg_count; i++) argv[1 + i] = args[i];
  request.argv = argv;
  request.argc = 1 + arg_count;
  return process_exec(request, reason);
}

ktest::ExternalSuites user_suites(const BootInfo& info) {
  ktest::ExternalSuites suites{};
  Result<CpioArchive> archive = initramfs(info);
  if (process_arch(info.arch_name) == nullptr || archive.is_error()) return suites;
  g_programs.info = &info;
  g_programs.count = 0;
  g_programs.left_out = 0;
  g_programs.first_left_out[0] = '\0';
  g_programs.oracle = flag(info, "maplet.oracle");
  g_programs.bench = !g_programs.oracle && flag(info, "maplet.bench");
  g_programs.cores.host_dir = core_host_dir(info);
  const StringView directory = g_programs.oracle  ? StringView("p/")
                               : g_programs.bench ? StringView("bench/")
                                                  : StringView("bin/");
  const char* suite_prefix = g_programs.oracle ? "oracle_" : "user_";
  format_to_buffer(g_programs.left_out_suite, sizeof(g_programs.left_out_suite), "%sprograms",
                   suite_prefix);
  // The oracle's /init is the first user program, as on Linux.
  if (g_programs.oracle && archive.value().find(ORACLE_INIT).is_ok()) {
    Program& program = g_programs.programs[g_programs.count++];
    format_to_buffer(program.name, sizeof(program.name), "init");
    format_to_buffer(program.path, sizeof(program.path), "%s", ORACLE_INIT);
    format_to_buffer(program.suite, sizeof(program.suite), "%sinit", suite_prefix);
    program.ending = Ending{nullptr, ExitKind::Exited, 0, 0, false};
    program.oracle_init = true;
  }
  for (const CpioEntry& entry : archive.value()) {
    StringView name = entry.name;
    if (name.starts_with("/")) name = name.substr(1);
    if (!entry.is_regular() || !name.starts_with(directory)) continue;
    const StringView base = name.substr(directory.size());
    if (base.size() == 0 || base.find('/') != base.size()) continue;
    if (g_programs.count == MAX_PROGRAMS || base.size() > MAX_NAME) {
      if (g_programs.left_out++ == 0) {
        format_to_buffer(g_programs.first_left_out, sizeof(g_programs.first_left_out), "%.*s",
                         static_cast<int>(base.size()), base.data());
      }
      continue;
    }
    Program& program = g_programs.programs[g_programs.count++];
    format_to_buffer(program.name, sizeof(program.name), "%.*s", static_cast<int>(base.size()),
                     base.data());
    format_to_buffer(program.path, sizeof(program.path), "/%.*s%s",
                     static_cast<int>(directory.size()), directory.data(), program.name);
    format_to_buffer(program.suite, sizeof(program.suite), "%s%s", suite_prefix, program.name);
    program.ending = Ending{nullptr, ExitKind::Exited, 0, 0, false};
    program.oracle_init = false;
    for (const Ending& ending : ENDINGS) {
      if (base == StringView(ending.name)) program.ending = ending;
    }
  }
  suites.count = g_programs.count + (g_programs.left_out != 0 ? 1 : 0);
  suites.selected = selected;
  suites.run = run;
  suites.list = list;
  suites.context = &g_programs;
  return suites;
}
