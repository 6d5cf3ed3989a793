#include "kernel/proc/process.h"

// RLIMIT_CPU .. RLIMIT_RTTIME: _STK_LIM 8 MiB, INR_OPEN_CUR/MAX 1024/4096, MLOCK_LIMIT 8 MiB,
// MQ_BYTES_MAX 819200.
const ResourceLimit INITIAL_RESOURCE_LIMITS[RESOURCE_LIMITS] = {
    {RLIMIT_INFINITY, RLIMIT_INFINITY},
    {RLIMIT_INFINITY, RLIMIT_INFINITY},
    {RLIMIT_INFINITY, RLIMIT_INFINITY},
    {8 << 20, RLIMIT_INFINITY},
    {0, RLIMIT_INFINITY},
    {RLIMIT_INFINITY, RLIMIT_INFINITY},
    {0, 0},
    {1024, 4096},
    {8 << 20, 8 << 20},
    {RLIMIT_INFINITY, RLIMIT_INFINITY},
    {RLIMIT_INFINITY, RLIMIT_INFINITY},
    {0, 0},
    {819200, 819200},
    {0, 0},
    {0, 0},
    {RLIMIT_INFINITY, RLIMIT_INFINITY},
};

#include "kernel/lib/panic.h"
#include "kernel/proc/kernel_memory.h"

const char* signal_name(int signal) {
  switch (signal) {
    case 1:
      return "SIGHUP";
    case 2:
      return "SIGINT";
    case 3:
      return "SIGQUIT";
    case SIGNAL_ILL:
      return "SIGILL";
    case SIGNAL_TRAP:
      return "SIGTRAP";
    case SIGNAL_ABRT:
      return "SIGABRT";
    case SIGNAL_BUS:
      return "SIGBUS";
    case SIGNAL_FPE:
      return "SIGFPE";
    case SIGNAL_KILL:
      return "SIGKILL";
    case 10:
      return "SIGUSR1";
    case SIGNAL_SEGV:
      return "SIGSEGV";
    case 12:
      return "SIGUSR2";
    case 13:
      return "SIGPIPE";
    case 14:
      return "SIGALRM";
    case SIGNAL_TERM:
      return "SIGTERM";
    default:
      return "SIG?";
  }
}

void process_exit(Process& p, const ProcessExit& how) {
  if (p.state == ProcessState::Exited) return;
  p.state = ProcessState::Exited;
  p.exit = how;
  for (OpenFile& file : p.files) {
    if (file.text != nullptr) kernel_free(file.text, file.text_capacity);
    file = OpenFile{};
  }
  if (p.mm != nullptr) {
    p.mm->~AddressSpace();
    p.mm = nullptr;
  }
  if (p.aspace != nullptr) {
    // It may be the active one (the process ended in a system call or a fault).
    arch_aspace_activate(nullptr);
    arch_aspace_destroy(p.aspace);
    p.aspace = nullptr;
  }
  if (p.context != nullptr) {
    arch_user_context_destroy(p.context);
    p.context = nullptr;
  }
}

void process_destroy(Process* p) {
  VERIFY(p->state == ProcessState::Exited);
  p->~Process();
  kernel_free(p, sizeof(Process));
}
