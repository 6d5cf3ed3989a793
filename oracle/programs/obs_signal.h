// Signal handlers for the differential programs, installed with the raw rt_sigaction so that both
// kernels see the same request: glibc's sigaction on arm64 relies on the vDSO's rt_sigreturn
// trampoline, so here arm64 passes its own restorer with SA_RESTORER (Linux
// arch/arm64/kernel/signal.c setup_return uses it); powerpc has no SA_RESTORER and returns
// through the trampoline the kernel chooses (arch/powerpc/kernel/signal_64.c).
#pragma once

#include <setjmp.h>
#include <signal.h>
#include <sys/syscall.h>

#include "oracle/programs/obs.h"

// The kernel's struct sigaction (include/uapi/asm-generic/signal.h; powerpc's has the same
// layout), with the 64-bit mask rt_sigaction takes.
struct obs_kernel_sigaction {
  void* handler;
  unsigned long flags;
  void* restorer;
  uint64_t mask;
};

enum { OBS_SA_RESTORER = 0x04000000 };

#if defined(__aarch64__)
void obs_restorer(void);
__asm__(
    ".text\n"
    ".globl obs_restorer\n"
    ".type obs_restorer, %function\n"
    "obs_restorer:\n"
    "  mov x8, #139\n"  // __NR_rt_sigreturn
    "  svc #0\n");
#endif

static inline uint64_t obs_sigbit(int signo) { return 1ull << (signo - 1); }

// rt_sigaction(signo) with a three-argument handler, `flags` besides SA_SIGINFO, and `mask`.
static inline int obs_handle(int signo, void (*handler)(int, siginfo_t*, void*),
                             unsigned long flags, uint64_t mask) {
  struct obs_kernel_sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.handler = (void*)handler;
  sa.flags = flags | SA_SIGINFO;
  sa.mask = mask;
#if defined(__aarch64__)
  sa.flags |= OBS_SA_RESTORER;
  sa.restorer = (void*)obs_restorer;
#endif
  return (int)syscall(SYS_rt_sigaction, signo, &sa, NULL, sizeof(uint64_t));
}

// The handler now installed for signo, as "default", "ignore" or "handler".
static inline const char* obs_disposition(int signo) {
  struct obs_kernel_sigaction old;
  if (syscall(SYS_rt_sigaction, signo, NULL, &old, sizeof(uint64_t)) != 0) return "error";
  if (old.handler == (void*)SIG_DFL) return "default";
  if (old.handler == (void*)SIG_IGN) return "ignore";
  return "handler";
}

static inline const char* obs_code_name(int signo, int code) {
  if (code == SI_USER) return "SI_USER";
  if (code == SI_TKILL) return "SI_TKILL";
  if (code == SI_KERNEL) return "SI_KERNEL";
  if (signo == SIGSEGV && code == SEGV_MAPERR) return "SEGV_MAPERR";
  if (signo == SIGSEGV && code == SEGV_ACCERR) return "SEGV_ACCERR";
  if (signo == SIGSEGV && code == SEGV_BNDERR) return "SEGV_BNDERR";
  if (signo == SIGBUS && code == BUS_ADRERR) return "BUS_ADRERR";
  if (signo == SIGILL && code == ILL_ILLOPC) return "ILL_ILLOPC";
  if (signo == SIGILL && code == ILL_ILLOPN) return "ILL_ILLOPN";
  return "other";
}

static inline const char* obs_signal_name(int signo) {
  switch (signo) {
    case SIGSEGV:
      return "SIGSEGV";
    case SIGBUS:
      return "SIGBUS";
    case SIGILL:
      return "SIGILL";
    case SIGUSR1:
      return "SIGUSR1";
    case SIGUSR2:
      return "SIGUSR2";
    default:
      return "other";
  }
}

// A fault handler that leaves by siglongjmp, so it needs no return trampoline.
static sigjmp_buf obs_recover;
static volatile sig_atomic_t obs_seen_signo;
static volatile sig_atomic_t obs_seen_code;
static volatile uintptr_t obs_seen_addr;

static inline void obs_on_fault(int signo, siginfo_t* info, void* context) {
  (void)context;
  obs_seen_signo = signo;
  obs_seen_code = info->si_code;
  obs_seen_addr = (uintptr_t)info->si_addr;
  siglongjmp(obs_recover, 1);
}

// Touches addr (a read, or a write of `value`) and prints "no_signal" or the signal, its code and
// si_addr relative to `base` under `name`. SIGSEGV and SIGBUS must be handled by obs_on_fault.
static inline void obs_touch(const char* key, uintptr_t addr, int write, char value, uintptr_t base,
                             const char* name) {
  obs_seen_signo = 0;
  if (sigsetjmp(obs_recover, 1) == 0) {
    volatile char* p = (volatile char*)addr;
    if (write) {
      *p = value;
    } else {
      (void)*p;
    }
    obs(key, "no_signal");
    return;
  }
  char buf[48];
  obs(key, "%s %s si_addr %s", obs_signal_name(obs_seen_signo),
      obs_code_name(obs_seen_signo, obs_seen_code),
      obs_rel_to(obs_seen_addr, base, name, buf, sizeof buf));
}
