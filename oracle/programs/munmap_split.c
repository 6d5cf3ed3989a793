// munmap of part of a mapping splits it (Linux mm/mmap.c do_vmi_munmap): a hole in the middle,
// a cut at either end, a range over two mappings and the gap between them, and the errors.
#include "oracle/programs/obs.h"

int main(void) {
  obs_choose_base();
  char* p = obs_mmap("mmap.eight_pages", at_page(4), 8 * obs_page, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE);
  if (p == NULL) return 1;
  for (int i = 0; i < 8; i++) p[i * obs_page] = (char)('a' + i);

  obs_status("munmap.middle", munmap(p + 3 * obs_page, obs_page));
  obs_maps("maps.after_middle");
  obs_status("munmap.head", munmap(p, obs_page));
  obs_status("munmap.tail", munmap(p + 7 * obs_page, obs_page));
  obs_maps("maps.after_ends");
  obs("read.page2", "%c", p[2 * obs_page]);
  obs("read.page6", "%c", p[6 * obs_page]);

  // One range over both remaining pieces and the hole between them.
  obs_status("munmap.across_hole", munmap(p + 2 * obs_page, 3 * obs_page));
  obs_maps("maps.after_across");
  obs_status("munmap.already_unmapped", munmap(p, 2 * obs_page));
  obs_status("munmap.unaligned", munmap(p + 5 * obs_page + 1, obs_page));
  obs_status("munmap.zero_length", munmap(p + 5 * obs_page, 0));
  obs_status("munmap.wrapping", munmap((void*)-obs_page, 2 * obs_page));
  obs_status("munmap.unaligned_length", munmap(p + 5 * obs_page, obs_page + 1));
  obs_maps("maps.final");
  return 0;
}
