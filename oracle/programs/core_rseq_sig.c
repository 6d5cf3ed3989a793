// Dies of the SIGSEGV that an abort handler with the wrong signature earns (kernel/rseq.c
// rseq_get_rseq_cs: the 4 bytes before abort_ip are not the registered signature), met when a
// SIGUSR1 the program sends itself from inside its critical section is delivered: the fix-up of
// rseq_signal_deliver fails and queues SIGSEGV (force_sigsegv(SIGUSR1), which a handler could
// still catch), SIGUSR1's frame is set up all the same, and the SIGSEGV, with its default action,
// ends the program before that handler runs. On powerpc the core's trap word is 0xc01: the system
// call's 0xc00 with the no-restart bit the SIGUSR1 delivery set (arch/powerpc/kernel/signal.c
// do_signal). The core's pc is the one SIGUSR1's frame gives, on an alternate stack at a fixed
// address (rseq_fatal_frames_at_fixed_address). See rseq_fatal.h.
#include "oracle/programs/rseq_fatal.h"

static volatile int g_usr1;

static void on_usr1(int signo, siginfo_t* info, void* uc) {
  (void)signo, (void)info, (void)uc;
  g_usr1++;
}

int main(void) {
  rseq_fatal_start();
  rseq_fatal_frames_at_fixed_address();
  obs_status("handler.usr1", obs_handle(SIGUSR1, on_usr1, SA_ONSTACK, 0));
  static struct rseq_cs_desc cs;
  cs = rseq_fatal_syscall_cs();
  // The branch over the signature, which is outside the section and no signature.
  cs.abort_ip = (uint64_t)(uintptr_t)rseq_dying_post_commit + 4;
  const long aborted = rseq_fatal_call_inside(&cs, SYS_kill, (long)getpid(), SIGUSR1);
  obs("rseq.after_kill", "still running, aborted %ld usr1 %d", aborted, g_usr1);
  return 1;
}
