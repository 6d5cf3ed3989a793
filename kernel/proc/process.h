// A user process (Linux's task_struct and the parts of its mm_struct that the loader sets): a
// pid and its parent's, an AddressSpace over the arch's page tables, the saved user registers,
// a state, how it ended, its comm name and clear_child_tid, a few open files, and where its
// standard output and error go. One thread per process (pid == tid).
//
// Its signal state (handlers, blocked mask, pending signals, the alternate stack) is
// kernel/proc/signal_state.h; signals are acted on before it returns to user mode
// (kernel/proc/signal_delivery.h).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/arch/mmu.h"
#include "kernel/arch/user.h"
#include "kernel/lib/format.h"
#include "kernel/mm/address_space.h"
#include "kernel/proc/elf_image.h"
#include "kernel/proc/initial_stack.h"
#include "kernel/proc/itimer.h"
#include "kernel/proc/process_arch.h"
#include "kernel/proc/rseq.h"
#include "kernel/proc/signal_state.h"

enum class ProcessState : uint8_t {
  Runnable,
  Sleeping,  // in nanosleep until wake_at (arch counter ticks) or a signal to deliver
  Exited,    // ended; its memory is gone, the status waits for whoever started it
};

// How a process ended.
enum class ExitKind : uint8_t {
  Exited,     // exit/exit_group: status is the code's low 8 bits
  Signaled,   // killed by a signal's default action: `signal`
  TimeLimit,  // still running at its time limit: killed by SIGKILL, with the limit as reason
};

struct ProcessExit {
  ExitKind kind = ExitKind::Exited;
  int status = 0;     // Exited: 0..255
  int signal = 0;     // Signaled and TimeLimit: Linux's signal number
  bool core = false;  // Signaled, and a core file was written
  // Signaled: the fatal signal's si_code and si_addr, and the program counter it stopped at.
  int code = 0;
  uint64_t addr = 0;
  uint64_t pc = 0;
  // The wait status Linux's wait4() reports: code << 8 for an exit, the signal number for a
  // signal's death, with WCOREFLAG (0x80) when a core file was written.
  int wait_status() const {
    return kind == ExitKind::Exited ? (status & 0xff) << 8 : signal | (core ? 0x80 : 0);
  }
};

// Signal numbers (include/uapi/asm-generic/signal.h; arm64 and powerpc use these).
inline constexpr int SIGNAL_ILL = 4, SIGNAL_TRAP = 5, SIGNAL_ABRT = 6, SIGNAL_BUS = 7,
                     SIGNAL_FPE = 8, SIGNAL_KILL = 9, SIGNAL_SEGV = 11, SIGNAL_TERM = 15,
                     SIGNAL_MAX = 64;

// The name of a signal number ("SIGSEGV"), or "SIG?".
const char* signal_name(int signal);

struct Process;

// An open file description (Linux's struct file): a standard stream, or a proc file
// (/proc/self/maps, /proc/sys/vm/mmap_min_addr) whose text `render` generates at each read at
// offset 0 (Linux generates it piece by piece as it is read). Every fd dup made of it shares it,
// its position included; it is freed with its last fd.
enum class FileKind : uint8_t { Closed, Stdin, Stdout, Stderr, Proc };
struct OpenFile {
  FileKind kind = FileKind::Closed;                        // Closed: a free description
  void (*render)(const Process& p, Sink& sink) = nullptr;  // Proc: the file's text
  uint16_t mode = 0;                                       // Proc: its permission bits
  char* text = nullptr;                                    // kernel_alloc'd, text_capacity bytes
  size_t text_capacity = 0;
  const uint8_t* input = nullptr;  // Stdin: bytes owned elsewhere (the initramfs), `size` long
  size_t size = 0;
  uint64_t position = 0;
  unsigned fds = 0;  // the fds that refer to it
  // Linux's f_flags: the access mode and the status flags (O_APPEND, O_NONBLOCK, ...), in the
  // process's arch numbering (ProcessArch::open_largefile and open_direct differ).
  uint32_t flags = 0;
};

// include/uapi/asm-generic/fcntl.h's O_WRONLY .. O_CLOEXEC and FASYNC, which both arches number
// alike (named apart from the C library's macros, which the host build sees).
inline constexpr uint32_t OPEN_WRONLY = 01, OPEN_APPEND = 02000, OPEN_NONBLOCK = 04000,
                          OPEN_FASYNC = 020000, OPEN_NOATIME = 01000000, OPEN_CLOEXEC = 02000000;

// fds (0-2 the standard streams at exec), and as many descriptions, which no more can need.
inline constexpr size_t PROCESS_FILES = 8;
inline constexpr size_t COMM_LENGTH = 16;  // TASK_COMM_LEN, NUL included

// A resource limit (struct rlimit64) and the limits a process starts with: Linux's
// INIT_RLIMITS (include/asm-generic/resource.h), which init and everything it starts inherit
// (RLIMIT_NPROC and RLIMIT_SIGPENDING, which Linux sizes from memory at boot, stay 0).
struct ResourceLimit {
  uint64_t current, maximum;
};
inline constexpr size_t RESOURCE_LIMITS = 16;  // RLIM_NLIMITS
inline constexpr uint64_t RLIMIT_INFINITY = ~uint64_t{0};
inline constexpr size_t RLIMIT_CORE = 4, RLIMIT_NOFILE = 7;
extern const ResourceLimit INITIAL_RESOURCE_LIMITS[RESOURCE_LIMITS];

struct Process {
  int pid = 0;
  int parent_pid = 0;
  ProcessState state = ProcessState::Runnable;
  ProcessExit exit{};
  char comm[COMM_LENGTH] = {};
  uint64_t clear_child_tid = 0;
  uint64_t robust_list = 0;  // set_robust_list's head (kept; nothing walks it: one thread)
  ResourceLimit limits[RESOURCE_LIMITS] = {};
  SignalState signals;
  RseqState rseq;  // the restartable sequences area it registered (kernel/proc/rseq.h)

  const ProcessArch* arch = nullptr;
  // powerpc64's ELF ABI from e_flags (TIF_ELF2ABI): an ELFv1 program's function pointers, the
  // signal handlers it installs included, are function descriptors.
  ElfAbi abi = ElfAbi::Arm64;
  AddressSpace* mm = nullptr;
  ArchAddressSpace* aspace = nullptr;
  UserContext* context = nullptr;

  // Arch counter values: when it started, when it must be stopped, when a sleep ends.
  uint64_t started_at = 0;
  uint64_t deadline = 0;
  uint64_t wake_at = 0;
  // setitimer's ITIMER_REAL, ITIMER_VIRTUAL and ITIMER_PROF, by number (kernel/proc/itimer.h).
  IntervalTimer itimers[3];
  uint64_t sleep_remaining = 0;    // nanosleep's rem pointer (0: none)
  bool sleep_interrupted = false;  // woken early by a signal: nanosleep returns EINTR
  // ppoll's remaining time: one that cannot be written is no error (poll_select_finish).
  bool sleep_remaining_optional = false;
  uint64_t slices = 0;           // timer interrupts taken while it ran
  uint64_t cpu_ticks = 0;        // counter ticks of its turns before the current one
  uint64_t turn_started = 0;     // the counter when its current turn began
  uint64_t slice_allowance = 0;  // SchedulerOptions::slice_allowance
  // Its last exit was a system call that set its result (not rt_sigreturn): the next return to
  // user mode is that call's (arch_user_syscall_return).
  bool syscall_returning = false;
  // With the page-table check on (maplet.check_mm=1): mm system calls after which the VMA tree
  // or the page tables were wrong (kernel/mm/page_table_check.h).
  unsigned check_failures = 0;
  // System call numbers below 512 already reported as unknown (kernel/proc/unknown_syscall.h);
  // the last bit stands for every larger number.
  uint64_t unknown_syscalls_reported[8] = {};

  // What a core file records of the start (mm->saved_auxv, arg_start/arg_end): the auxv
  // pairs up to and including AT_NULL, and where argv's strings lie in user memory.
  uint64_t saved_auxv[2 * MAX_AUXV_PAIRS] = {};
  size_t auxv_words = 0;
  uint64_t arg_start = 0, arg_end = 0;
  // prctl(PR_SET_DUMPABLE): whether a core-dumping signal writes a core (SUID_DUMP_USER).
  bool dumpable = true;
  // Linux's PF_RANDOMIZE: exec laid the address space out randomised (not norandmaps).
  bool randomized = false;

  // The executable, which its text and data VMAs map.
  VmFile executable{};
  char executable_path[64] = {};

  Sink* out = nullptr;                     // fd 1
  Sink* err = nullptr;                     // fd 2
  OpenFile files[PROCESS_FILES];           // the open file descriptions
  uint8_t fd_files[PROCESS_FILES] = {};    // each fd's description in files, plus 1; 0: closed
  bool close_on_exec[PROCESS_FILES] = {};  // each fd's FD_CLOEXEC (fcntl F_GETFD)

  // The address space's VMAs and its tree nodes live in the process object (AddressSpace is
  // constructed into this storage).
  alignas(AddressSpace) uint8_t mm_storage[sizeof(AddressSpace)];

  Process* next = nullptr;  // run queue link
};

// The description `fd` refers to, or nullptr when fd is not open.
OpenFile* process_file(Process& process, uint64_t fd);
const OpenFile* process_file(const Process& process, uint64_t fd);
// Gives `file` (a free description of `process`, filled in, or an open one to share) the lowest
// fd not open from `lowest` on, as Linux's alloc_fd picks it, with FD_CLOEXEC when
// `close_on_exec`; the fd, or -1 with every such fd open.
int process_install_file(Process& process, OpenFile* file, size_t lowest, bool close_on_exec);
// Closes `fd` (its FD_CLOEXEC with it), freeing its description with its last fd; false when fd
// is not open.
bool process_close_file(Process& process, uint64_t fd);

// Ends the process: the status is kept, every page it owned goes back (address space, page
// tables, user context, open files). Idempotent for an exited process.
void process_exit(Process& process, const ProcessExit& how);
// Frees the process object itself; it must have exited.
void process_destroy(Process* process);
