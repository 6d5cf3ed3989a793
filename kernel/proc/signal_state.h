// A process's signal state as Linux 6.12 keeps it (kernel/signal.c, include/linux/signal.h): one
// action per signal (rt_sigaction's struct sigaction), the blocked mask, the pending set with
// each pending signal's siginfo, and the alternate signal stack (sigaltstack). Pure bookkeeping
// over kernel values, no user memory: the system calls (signal_syscalls.h) copy in and out, the
// delivery (signal_delivery.h) builds frames.
//
// Standard signals (1..31) are one pending bit each: a second instance sent while the first is
// pending is merged with it. Real-time signals (SIGRTMIN 32 ..64) queue, each instance with its
// own siginfo, delivered in the order sent (the lowest signal number first, as next_signal
// does). What differs from Linux: the queue holds SIGNAL_QUEUE_CAPACITY instances per process
// (Linux's limit is RLIMIT_SIGPENDING, sized from memory); the stop signals' default action is
// to ignore them (no job control).
#pragma once

#include <stdint.h>

#include "kernel/lib/result.h"

// Signal numbers beyond process.h's (include/uapi/asm-generic/signal.h).
inline constexpr int SIGNAL_QUIT = 3, SIGNAL_USR1 = 10, SIGNAL_USR2 = 12, SIGNAL_ALRM = 14,
                     SIGNAL_CHLD = 17, SIGNAL_CONT = 18, SIGNAL_STOP = 19, SIGNAL_TSTP = 20,
                     SIGNAL_TTIN = 21, SIGNAL_TTOU = 22, SIGNAL_URG = 23, SIGNAL_XCPU = 24,
                     SIGNAL_XFSZ = 25, SIGNAL_VTALRM = 26, SIGNAL_PROF = 27, SIGNAL_WINCH = 28,
                     SIGNAL_SYS = 31, SIGNAL_RTMIN = 32, SIGNAL_COUNT = 64;
inline constexpr unsigned SIGNAL_QUEUE_CAPACITY = 32;

// Linux's constants under names of their own (SIGACT_SIGINFO for SA_SIGINFO, HANDLER_DEFAULT for
// SIG_DFL, ALTSTACK_ON for SS_ONSTACK, CODE_USER for SI_USER, ...): the host's <signal.h>, which
// host tests include, defines Linux's names as macros.
// sa_flags bits (include/uapi/asm-generic/signal-defs.h; SA_RESTORER from the arches' signal.h,
// the same value on arm64 and powerpc).
inline constexpr uint64_t SIGACT_NOCLDSTOP = 0x1, SIGACT_NOCLDWAIT = 0x2, SIGACT_SIGINFO = 0x4,
                          SIGACT_EXPOSE_TAGBITS = 0x800, SIGACT_RESTORER = 0x04000000,
                          SIGACT_ONSTACK = 0x08000000, SIGACT_RESTART = 0x10000000,
                          SIGACT_NODEFER = 0x40000000, SIGACT_RESETHAND = 0x80000000;
// The flags rt_sigaction keeps (UAPI_SA_FLAGS); unknown bits read back as clear.
inline constexpr uint64_t SIGACT_KNOWN = SIGACT_NOCLDSTOP | SIGACT_NOCLDWAIT | SIGACT_SIGINFO |
                                         SIGACT_EXPOSE_TAGBITS | SIGACT_RESTORER | SIGACT_ONSTACK |
                                         SIGACT_RESTART | SIGACT_NODEFER | SIGACT_RESETHAND;
inline constexpr uint64_t HANDLER_DEFAULT = 0, HANDLER_IGNORE = 1;
inline constexpr int MASK_BLOCK = 0, MASK_UNBLOCK = 1, MASK_SET = 2;
inline constexpr int ALTSTACK_ON = 1, ALTSTACK_DISABLE = 2;
inline constexpr uint32_t ALTSTACK_AUTODISARM = 1u << 31;

// si_code values (include/uapi/asm-generic/siginfo.h).
inline constexpr int CODE_USER = 0, CODE_KERNEL = 0x80, CODE_QUEUE = -1, CODE_TKILL = -6,
                     CODE_ILL_ILLOPC = 1, CODE_ILL_ILLOPN = 2, CODE_ILL_PRVOPC = 5,
                     CODE_TRAP_BRKPT = 1, CODE_BUS_ADRALN = 1, CODE_SEGV_BNDERR = 3,
                     CODE_SEGV_MTEAERR = 8, CODE_SEGV_MTESERR = 9;

// The bit of `signal` (1..64) in a sigset_t word.
constexpr uint64_t signal_bit(int signal) { return uint64_t{1} << (signal - 1); }
// SIGKILL and SIGSTOP: never blocked, caught or ignored.
inline constexpr uint64_t UNBLOCKABLE = signal_bit(9) | signal_bit(SIGNAL_STOP);

// What a pending signal carries into its frame's siginfo: the sender's pid and uid for kill and
// tgkill, with rt_sigqueueinfo also si_value; the faulting address for a fault.
struct SignalInfo {
  int signo = 0;
  int code = 0;
  int pid = 0;
  unsigned uid = 0;
  uint64_t value = 0;  // si_value (sival_ptr; sival_int is its first 4 bytes in memory)
  uint64_t addr = 0;
  bool fault = false;  // from a trap of the program: si_addr may carry a tag to hide
};

// Linux's 64-bit siginfo_t, 128 bytes: si_signo, si_errno, si_code, then the union at offset 16
// (si_pid, si_uid and si_value at 24 for kill, tgkill and rt_sigqueueinfo, si_addr for faults).
inline constexpr unsigned SIGINFO_SIZE = 128;
void signal_info_encode(const SignalInfo& info, uint8_t out[SIGINFO_SIZE]);

struct SignalAction {
  uint64_t handler = HANDLER_DEFAULT;
  uint64_t flags = 0;
  uint64_t restorer = 0;
  uint64_t mask = 0;
};

// stack_t.
struct SignalStack {
  uint64_t sp = 0;
  uint32_t flags = 0;
  uint64_t size = 0;
};

enum class DefaultAction : uint8_t { Ignore, Terminate, Core };
// The default action of `signal` (kernel/signal.c's SIG_KERNEL_*_MASK tables).
DefaultAction signal_default_action(int signal);

struct SignalState {
  SignalAction actions[SIGNAL_COUNT];  // [signal - 1]
  uint64_t blocked = 0;
  uint64_t pending = 0;
  SignalInfo info[SIGNAL_COUNT];  // of each pending standard signal, or a merged real-time one
  SignalInfo queue[SIGNAL_QUEUE_CAPACITY];  // queued real-time instances, oldest first
  unsigned queued = 0;
  uint64_t merged = 0;     // real-time signals with an instance in info[] (the queue was full)
  SignalStack altstack{};  // ss_flags keeps only ALTSTACK_AUTODISARM; size 0 is disabled
  // ppoll's sigmask in force (Linux's saved_sigmask under TIF_RESTORE_SIGMASK): the mask the
  // call replaced, which the first handler's frame records instead of the one blocked then, and
  // which comes back on the way to user mode when no handler runs.
  bool restore_saved = false;
  uint64_t saved_blocked = 0;

  const SignalAction& action(int signal) const { return actions[signal - 1]; }
  // Whether a pending signal is not blocked (it will be acted on before user mode runs again).
  bool deliverable() const { return (pending & ~blocked) != 0; }
  SignalAction& action(int signal) { return actions[signal - 1]; }

  // Makes `info.signo` pending, as send_signal does, unless the process ignores it (a signal
  // ignored and not blocked is dropped at once, as sig_ignored says). A standard signal already
  // pending keeps its first siginfo; a real-time one queues another instance. With the queue
  // full, a real-time signal from kill (SI_USER) is merged into one pending instance, any other
  // is Error::Again (__send_signal_locked's -EAGAIN).
  Result<void> send(const SignalInfo& info);
  // force_sig_info: a signal the program cannot block or ignore away (a fault). A blocked or
  // ignored one gets the default action back and is unblocked; `to_default` also resets a
  // handler (force_fatal_sig, for a fault while building a frame).
  void force(const SignalInfo& info, bool to_default = false);
  // Forgets every pending instance of `signal`.
  void drop(int signal);
  // The next pending signal that is not blocked, as next_signal picks it (the synchronous
  // signals SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGSYS first, then the lowest number),
  // taken off the pending set; false when there is none.
  bool dequeue(SignalInfo* out);

  // rt_sigaction on kernel values. EINVAL for a signal outside 1..64, or a new action for
  // SIGKILL or SIGSTOP. Setting SIG_IGN, or SIG_DFL for a signal whose default is to ignore it,
  // drops it from the pending set.
  Result<void> set_action(int signal, const SignalAction* act, SignalAction* old);
  // rt_sigprocmask on kernel values: EINVAL for an unknown `how` (only with a set).
  Result<void> set_blocked(int how, const uint64_t* set, uint64_t* old);
  // sigaltstack on kernel values, for a program whose stack pointer is `sp` and whose arch
  // needs `min_size` bytes (MINSIGSTKSZ). EPERM while running on the alternate stack, EINVAL
  // for an unknown mode, ENOMEM for a size below min_size.
  Result<void> set_altstack(const SignalStack* ss, SignalStack* old, uint64_t sp,
                            uint64_t min_size);
  // Whether `sp` is on the alternate stack (on_sig_stack).
  bool on_altstack(uint64_t sp) const;
  // The stack_t a frame saves: the alternate stack with SS_ONSTACK or SS_DISABLE as for `sp`.
  SignalStack altstack_for(uint64_t sp) const;
};
