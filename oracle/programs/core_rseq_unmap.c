// Dies of the SIGSEGV that an rseq_cs pointing at unmapped memory earns (kernel/rseq.c
// rseq_get_rseq_cs cannot read the descriptor: EFAULT), met after a sleep inside the section,
// as core_rseq_abort's. The descriptor would be at window page 3, which nothing maps. See
// rseq_fatal.h.
#include "oracle/programs/rseq_fatal.h"

int main(void) {
  rseq_fatal_start();
  rseq_fatal_sleep_inside((const struct rseq_cs_desc*)at_page(3));
}
