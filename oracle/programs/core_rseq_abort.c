// Dies of the SIGSEGV that a critical-section descriptor whose abort_ip is inside the section
// earns (kernel/rseq.c rseq_get_rseq_cs), met after a sleep inside the section: the switch away
// asks for the fix-up on the way back from nanosleep, which refuses the descriptor and forces
// SIGSEGV (SI_KERNEL), with no handler: the core's pc is the instruction after the system call
// and, on powerpc, its trap word the system call's 0xc00. The section is made to reach past the
// real abort handler, whose signature is right: only the abort_ip rule refuses the descriptor
// (without it the program would go on at the abort handler). See rseq_fatal.h.
#include "oracle/programs/rseq_fatal.h"

int main(void) {
  rseq_fatal_start();
  static struct rseq_cs_desc cs;
  cs = rseq_fatal_syscall_cs();
  cs.post_commit_offset = cs.abort_ip + 4 - cs.start_ip;
  rseq_fatal_sleep_inside(&cs);
}
