#include "kernel/proc/exec_mode.h"

#include "kernel/arch/mmu.h"
#include "kernel/lib/cmdline.h"
#include "kernel/lib/console.h"
#include "kernel/lib/cpio.h"
#include "kernel/proc/console_stream.h"
#include "kernel/proc/core_transport.h"
#include "kernel/proc/kernel_memory.h"
#include "kernel/proc/user_suites.h"

namespace {

constexpr size_t PATH_LENGTH = 64;  // Process::executable_path's size

// A NUL-separated list file as an array of pointers into it (kernel_alloc'd, `count` long).
struct StringList {
  const char** strings = nullptr;
  size_t count = 0;
};

void free_list(StringList& list) {
  if (list.strings != nullptr) kernel_free(list.strings, list.count * sizeof(const char*));
  list = StringList{};
}

// An absent file is an empty list. Errors: Invalid (no final NUL), TooBig (too many strings),
// NoMemory.
Result<StringList> read_list(const CpioArchive& archive, const char* path) {
  Result<CpioEntry> found = archive.find(path);
  if (found.is_error()) return StringList{};
  const CpioEntry& entry = found.value();
  if (entry.size == 0) return StringList{};
  if (entry.data[entry.size - 1] != '\0') return Error::Invalid;
  size_t count = 0;
  for (size_t i = 0; i < entry.size; i++) count += entry.data[i] == '\0' ? 1 : 0;
  if (count > MAX_EXEC_STRINGS) return Error::TooBig;
  StringList list;
  list.strings = static_cast<const char**>(TRY(kernel_alloc(count * sizeof(const char*))));
  list.count = count;
  const char* next = reinterpret_cast<const char*>(entry.data);
  for (size_t i = 0; i < count; i++) {
    list.strings[i] = next;
    while (*next != '\0') next++;
    next++;
  }
  return list;
}

void status_line(const ProcessExit& exit) {
  Sink& console = console_sink();
  switch (exit.kind) {
    case ExitKind::Exited:
      format(console, "~status exit %d\n", exit.status);
      return;
    case ExitKind::Signaled:
      format(console, "~status signal %d code %d addr %#llx pc %#llx\n", exit.signal, exit.code,
             static_cast<unsigned long long>(exit.addr), static_cast<unsigned long long>(exit.pc));
      return;
    case ExitKind::TimeLimit:
      format(console, "~status timeout\n");
      return;
  }
}

void refuse(const char* why, Error error) {
  format(console_sink(), "~status refused %s (%s)\n", why, error_name(error));
}

}  // namespace

bool exec_mode_requested(const BootInfo& info) {
  return cmdline_get(info.cmdline, "maplet.exec").is_ok();
}

void exec_mode_run(const BootInfo& info) {
  const StringView given = cmdline_get(info.cmdline, "maplet.exec").value();
  if (given.size() == 0 || given.size() >= PATH_LENGTH) {
    refuse("maplet.exec= needs a path of 1 to 63 characters", Error::Invalid);
    return;
  }
  char path[PATH_LENGTH];
  format_to_buffer(path, sizeof(path), "%.*s", static_cast<int>(given.size()), given.data());
  ConsoleStream out_stream{&console_sink(), ConsoleStream::Kind::Out};
  ConsoleStream err_stream{&console_sink(), ConsoleStream::Kind::Err};
  Sink out = out_stream.sink();
  Sink err = err_stream.sink();
  const char* reason = nullptr;
  Result<ExecRequest> made = user_exec_request(info, path, &out, &err, &reason);
  if (made.is_error()) {
    refuse(reason, made.error());
    return;
  }
  ExecRequest request = made.value();
  // user_exec_request found the program, so the initramfs parses.
  const CpioArchive archive =
      CpioArchive::parse(arch_phys_to_virt(info.initrd.base), info.initrd.size).value();
  Result<StringList> argv = read_list(archive, "/exec/argv");
  Result<StringList> envp = read_list(archive, "/exec/envp");
  if (argv.is_error() || envp.is_error()) {
    if (argv.is_ok()) free_list(argv.value());
    if (envp.is_ok()) free_list(envp.value());
    refuse("/exec/argv or /exec/envp is not a list of at most 256 NUL-terminated strings",
           argv.is_error() ? argv.error() : envp.error());
    return;
  }
  if (argv.value().count > 0) {
    request.argv = argv.value().strings;
    request.argc = argv.value().count;
  }
  request.envp = envp.value().strings;
  request.envc = envp.value().count;
  if (Result<CpioEntry> input = archive.find("/exec/stdin"); input.is_ok()) {
    request.stdin_data = input.value().data;
    request.stdin_size = input.value().size;
  }
  klog("exec %s: %zu arguments, %zu environment strings, %zu bytes of stdin", path,
       request.argv != nullptr ? request.argc : size_t{1}, request.envc, request.stdin_size);
  Result<Process*> started = process_exec(request, &reason);
  free_list(argv.value());
  free_list(envp.value());
  if (started.is_error()) {
    refuse(reason, started.error());
    return;
  }
  Process* p = started.value();
  // A core goes to the host before the status line, so that the runner has it when it reports.
  CoreTransport cores{&console_sink(), core_host_dir(info)};
  core_set_transport(&core_transport_send, &cores);
  scheduler_add(p, user_scheduler_options(info));
  scheduler_run_until_exit(p);
  core_set_transport(nullptr, nullptr);
  status_line(p->exit);
  process_destroy(p);
}
