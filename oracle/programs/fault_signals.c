// What a program sees when it touches memory it may not (Linux arch/arm64/mm/fault.c,
// arch/powerpc/mm/fault.c): the signal, si_code and si_addr (relative to the base) for a read
// of an unmapped page, a write to a read-only page, a read of a PROT_NONE page, and a write
// after munmap; and that a page made writable again takes the write without a signal. On powerpc
// also a read and a write past the 52 bits radix translates (do_bad_segment_interrupt).
#include "oracle/programs/obs_signal.h"

static void touch(const char* key, uintptr_t addr, int write) {
  obs_touch(key, addr, write, 1, obs_base, "base");
}

int main(void) {
  obs_choose_base();
  obs_status("sigaction.segv", obs_handle(SIGSEGV, obs_on_fault, 0, 0));
  obs_status("sigaction.bus", obs_handle(SIGBUS, obs_on_fault, 0, 0));

  const int fixed = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;
  obs_mmap("mmap.readonly", at_page(2), obs_page, PROT_READ, fixed);
  obs_mmap("mmap.none", at_page(4), obs_page, PROT_NONE, fixed);
  obs_mmap("mmap.rw", at_page(6), obs_page, PROT_READ | PROT_WRITE, fixed);

  touch("fault.read_unmapped", at_page(0) + 0x10, 0);
  touch("fault.write_unmapped", at_page(1) + 0x18, 1);
  touch("fault.read_readonly", at_page(2) + 0x20, 0);
  touch("fault.write_readonly", at_page(2) + 0x28, 1);
  touch("fault.read_none", at_page(4) + 0x30, 0);
  touch("fault.write_none", at_page(4) + 0x38, 1);
  touch("fault.write_rw", at_page(6) + 0x40, 1);
  obs_status("mprotect.readonly_to_rw",
             mprotect((void*)at_page(2), obs_page, PROT_READ | PROT_WRITE));
  touch("fault.write_made_rw", at_page(2) + 0x48, 1);
  obs_status("munmap.rw", munmap((void*)at_page(6), obs_page));
  touch("fault.write_after_munmap", at_page(6) + 0x50, 1);
#ifdef __powerpc64__
  const uintptr_t outside = ((uintptr_t)1 << 52) + 0x58;
  obs_touch("fault.read_outside_radix", outside, 0, 1, outside, "outside");
  obs_touch("fault.write_outside_radix", outside, 1, 1, outside, "outside");
#endif
  return 0;
}
