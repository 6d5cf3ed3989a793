// mprotect splits a mapping and merges the pieces back when their protections meet again (Linux
// mm/mprotect.c mprotect_fixup, mm/vma.c vma_modify_flags): without faulted pages, with all pages
// faulted (one anon_vma), and across two mappings faulted separately, whose anon_vmas differ and
// so never merge. Then the errors and what reads see.
#include "oracle/programs/obs.h"

static const int RW = PROT_READ | PROT_WRITE;
static const int FIXED = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;

static void touch(char* p, int pages) {
  for (int i = 0; i < pages; i++) p[i * obs_page] = (char)(i + 1);
}

int main(void) {
  obs_choose_base();

  char* a = obs_mmap("mmap.untouched", at_page(0), 6 * obs_page, RW, FIXED);
  if (a == NULL) return 1;
  obs_status("mprotect.untouched_split", mprotect(a + 2 * obs_page, 2 * obs_page, PROT_READ));
  obs_maps("maps.untouched_split");
  obs_status("mprotect.untouched_restore", mprotect(a + 2 * obs_page, 2 * obs_page, RW));
  obs_maps("maps.untouched_merged");

  char* b = obs_mmap("mmap.touched", at_page(10), 6 * obs_page, RW, FIXED);
  if (b == NULL) return 1;
  touch(b, 6);
  obs_status("mprotect.touched_split", mprotect(b + obs_page, obs_page, PROT_READ));
  obs_maps("maps.touched_split");
  obs("read.touched_readonly_page", "%d", b[obs_page]);
  obs_status("mprotect.touched_restore", mprotect(b + obs_page, obs_page, RW));
  obs_maps("maps.touched_merged");

  // Two mappings faulted apart, with a page between them, each get their own anon_vma; the page
  // mapped into the gap afterwards sits between two anon_vmas.
  char* c = obs_mmap("mmap.left", at_page(20), 3 * obs_page, RW, FIXED);
  char* d = obs_mmap("mmap.right", at_page(24), 3 * obs_page, RW, FIXED);
  if (c == NULL || d == NULL) return 1;
  touch(c, 3);
  touch(d, 3);
  char* gap = obs_mmap("mmap.gap", at_page(23), obs_page, RW, FIXED);
  if (gap == NULL) return 1;
  obs_maps("maps.gap_filled");
  touch(gap, 1);
  obs_status("mprotect.all_read", mprotect(c, 7 * obs_page, PROT_READ));
  obs_maps("maps.all_read");
  obs_status("mprotect.all_rw", mprotect(c, 7 * obs_page, RW));
  obs_maps("maps.all_rw");

  obs_status("mprotect.unaligned", mprotect(a + 1, obs_page, PROT_READ));
  obs_status("mprotect.over_hole", mprotect(a, 12 * obs_page, PROT_READ));
  obs_maps("maps.after_over_hole");
  obs_status("mprotect.bad_prot", mprotect(a, obs_page, 0x7ff0));
  obs_status("mprotect.zero_length", mprotect(a, 0, PROT_READ));
  obs_status("mprotect.none", mprotect(b, obs_page, PROT_NONE));
  obs_maps("maps.final");
  return 0;
}
