// Dies of the SIGSEGV that an rseq area the kernel cannot write earns: window page 3, mapped
// read-only, passes the registration's checks (access_ok, and its rseq_cs reads as 0), and the
// return from rseq itself then writes the area (kernel/rseq.c rseq_ip_fixup's lazy clear_rseq_cs,
// the first write), which faults: SIGSEGV (SI_KERNEL) with the pc after the system call and, on
// powerpc, the trap word 0xc00. See rseq_fatal.h.
#include "oracle/programs/rseq_fatal.h"

int main(void) {
  rseq_fatal_window();
  void* area = obs_mmap("core.read_only", at_page(3), obs_page, PROT_READ,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE);
  if (area == NULL) return 2;
  const long ret = rseq_fatal_rseq(area, sizeof(struct rseq_area), 0, RSEQ_SECTION_SIG,
                                   (volatile uint8_t*)at_page(RSEQ_FATAL_LAST_FAULT_PAGE));
  rseq_fatal_obs("rseq.register_read_only", ret);
  return 1;
}
