// A descriptor with version 1 (kernel/rseq.c rseq_get_rseq_cs refuses any version but 0), met
// after a sleep inside the section by a program with a SIGSEGV handler (SA_NODEFER). The fix-up
// on the way back from nanosleep forces SIGSEGV (force_sigsegv(0): the handler may catch it); its
// delivery meets the same descriptor and forces another, with the default action this time
// (force_sigsegv(SIGSEGV) resets the handler), and the handler's frame is still set up; SIGSEGV
// stays unblocked (SA_NODEFER), so the second one ends the program at the same return, before
// the handler runs: the core's pc is the one the handler's frame gives, and on powerpc its trap
// word 0xc01 (the delivery's no-restart bit). The handler would record in window page 2 that it
// ran.
//
// Without SA_NODEFER the handler's frame blocks SIGSEGV, and Linux 6.12 then runs the handler
// unless it is preempted on that return, which meets the descriptor once more and unblocks the
// forced SIGSEGV (force_sig_info_to_task): which one happens is a matter of timing. See
// rseq_fatal.h.
#include "oracle/programs/rseq_fatal.h"

static void on_segv(int signo, siginfo_t* info, void* uc) {
  (void)uc;
  g_rseq_fatal_area.rseq_cs = 0;
  // Bytes, the same in either byte order.
  volatile uint8_t* record = (volatile uint8_t*)at_page(2);
  record[0] = 0x5e;
  record[1] = (uint8_t)signo;
  record[2] = (uint8_t)info->si_code;
  record[3]++;
}

int main(void) {
  rseq_fatal_start();
  rseq_fatal_frames_at_fixed_address();
  obs_status("handler.segv", obs_handle(SIGSEGV, on_segv, SA_NODEFER | SA_ONSTACK, 0));
  static struct rseq_cs_desc cs;
  cs = rseq_fatal_syscall_cs();
  cs.version = 1;
  rseq_fatal_sleep_inside(&cs);
}
