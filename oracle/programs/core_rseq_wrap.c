// Dies of the SIGSEGV that a critical-section descriptor whose start_ip + post_commit_offset
// wraps earns (kernel/rseq.c rseq_get_rseq_cs's overflow check; the wrapped end is below
// TASK_SIZE, so the range checks before it pass), met after a sleep inside the section, as
// core_rseq_abort's. See rseq_fatal.h.
#include "oracle/programs/rseq_fatal.h"

int main(void) {
  rseq_fatal_start();
  struct rseq_cs_desc cs = rseq_fatal_syscall_cs();
  cs.post_commit_offset = ~(uint64_t)0;
  rseq_fatal_sleep_inside(&cs);
}
