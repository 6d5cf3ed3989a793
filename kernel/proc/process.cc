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

OpenFile* process_file(Process& p, uint64_t fd) {
  if (fd >= PROCESS_FILES || p.fd_files[fd] == 0) return nullptr;
  return &p.files[p.fd_files[fd] - 1];
}

const OpenFile* process_file(const Process& p, uint64_t fd) {
  if (fd >= PROCESS_FILES || p.fd_files[fd] == 0) return nullptr;
  return &p.files[p.fd_files[fd] - 1];
}

int process_install_file(Process& p, OpenFile* file, size_t lowest, bool close_on_exec) {
  for (size_t fd = lowest; fd < PROCESS_FILES; fd++) {
    if (p.fd_files[fd] != 0) continue;
    p.fd_files[fd] = static_cast<uint8_t>(file - p.files + 1);
    p.close_on_exec[fd] = close_on_exec;
    file->fds++;
    return static_cast<int>(fd);
  }
  return -1;
}

bool process_close_file(Process& p, uint64_t fd) {
  OpenFile* file = process_file(p, fd);
  if (file == nullptr) return false;
  p.fd_files[fd] = 0;
  p.close_on_exec[fd] = false;
  if (--file->fds == 0) {
    if (file->text != nullptr) kernel_free(file->text, file->text_capacity);
    *file = OpenFile{};
  }
  return true;
}

void process_exit(Process& p, const ProcessExit& how) {
  if (p.state == ProcessState::Exited) return;
  p.state = ProcessState::Exited;
  p.exit = how;
  for (size_t fd = 0; fd < PROCESS_FILES; fd++) (void)process_close_file(p, fd);
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
