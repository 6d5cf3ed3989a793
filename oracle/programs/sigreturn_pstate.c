// arm64: what rt_sigreturn keeps of the frame's pstate (arch/arm64/kernel/signal.c
// restore_sigframe, ptrace.c valid_user_regs): the bits valid_native_regs treats as RES0 (PAN,
// UAO, IL, [20:13], [5], [63:32]) go, and PSTATE.SS follows the task's single-stepping
// (user_regs_reset_single_step: clear when not ptraced). Only a later frame shows it: a SIGUSR1
// handler sets those bits in its frame and sends SIGUSR2, which its sa_mask blocks, so SIGUSR2
// is delivered as rt_sigreturn unblocks it, from the restored registers; its handler prints
// the bits of its frame's pstate that were set. Elsewhere than arm64 it prints only
// pstate.available.
#define _GNU_SOURCE
#include "oracle/programs/obs_signal.h"

#if defined(__aarch64__)

#include <ucontext.h>

// SS (bit 21), PAN (22), UAO (23), IL (20), ALLINT (13), bit 5 and bit 32.
#define PSTATE_SET                                                                          \
  ((1ull << 21) | (1ull << 22) | (1ull << 23) | (1ull << 20) | (1ull << 13) | (1ull << 5) | \
   (1ull << 32))

static volatile uint64_t later_pstate;
static volatile int usr2s;

static void on_usr1(int signo, siginfo_t* info, void* context) {
  (void)signo;
  (void)info;
  ucontext_t* uc = context;
  uc->uc_mcontext.pstate |= PSTATE_SET;
  kill(getpid(), SIGUSR2);
}

static void on_usr2(int signo, siginfo_t* info, void* context) {
  (void)signo;
  (void)info;
  const ucontext_t* uc = context;
  later_pstate = uc->uc_mcontext.pstate;
  usr2s++;
}

int main(void) {
  obs("pstate.available", "yes");
  obs_status("handle.usr1", obs_handle(SIGUSR1, on_usr1, 0, obs_sigbit(SIGUSR2)));
  obs_status("handle.usr2", obs_handle(SIGUSR2, on_usr2, 0, 0));
  obs_status("kill.usr1", kill(getpid(), SIGUSR1));
  obs("usr2.taken", "%d", usr2s);
  obs("later_frame.set_bits", "%#llx", (unsigned long long)(later_pstate & PSTATE_SET));
  return 0;
}

#else

int main(void) {
  obs("pstate.available", "no");
  return 0;
}

#endif
