// Dies of the SIGSEGV that a critical-section descriptor whose start_ip + post_commit_offset
// wraps earns (kernel/rseq.c rseq_get_rseq_cs's overflow check), met after a sleep inside the
// section, as core_rseq_abort's. Only that check refuses it: start_ip is just past the real abort
// handler, whose signature is right, and the end wraps to 8 bytes below start_ip, so the end is
// below TASK_SIZE and abort_ip outside [start_ip, start_ip + post_commit_offset) as the unsigned
// rule computes it (without the check the program would be taken as inside the section, the
// system call's return address being below the end, and go on at the abort handler). See
// rseq_fatal.h.
#include "oracle/programs/rseq_fatal.h"

int main(void) {
  rseq_fatal_start();
  static struct rseq_cs_desc cs;
  cs = rseq_fatal_syscall_cs();
  cs.start_ip = cs.abort_ip + 4;
  cs.post_commit_offset = ~(uint64_t)0 - 7;
  rseq_fatal_sleep_inside(&cs);
}
