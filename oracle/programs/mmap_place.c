// Where mmap places anonymous mappings relative to a base the program chose (Linux
// mm/mmap.c do_mmap, get_unmapped_area, mmap_region): hints that are free, taken or unaligned,
// MAP_FIXED over an existing mapping, MAP_FIXED_NOREPLACE, and the argument errors.
#include "oracle/programs/obs.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static const int RW = PROT_READ | PROT_WRITE;
static const int ANON = MAP_PRIVATE | MAP_ANONYMOUS;

int main(void) {
  obs_choose_base();
  obs("page_size_is_power_of_two", "%s", (obs_page & (obs_page - 1)) == 0 ? "yes" : "no");

  // Where a mapping without a usable hint goes depends on the randomised layout (on ppc64le
  // Linux it varies from boot to boot): only whether it was placed at the hint is compared.
  obs_mmap_chosen("mmap.no_hint", 0, 4 * obs_page, RW, ANON);

  char* a = obs_mmap("mmap.hint_free", at_page(8), 2 * obs_page, RW, ANON);
  obs_mmap_chosen("mmap.hint_taken", at_page(8), obs_page, RW, ANON);
  obs_mmap("mmap.hint_unaligned", at_page(20) + 123, obs_page, RW, ANON);
  obs_maps("maps.after_hints");

  if (a != NULL) {
    a[0] = 'x';
    a[obs_page] = 'y';
    obs_mmap("mmap.fixed_over_existing", at_page(9), obs_page, PROT_READ, ANON | MAP_FIXED);
    obs("read.kept_page", "%d", a[0]);
    obs("read.replaced_page", "%d", a[obs_page]);
  }
  obs_mmap("mmap.noreplace_taken", at_page(8), obs_page, RW, ANON | MAP_FIXED_NOREPLACE);
  obs_mmap("mmap.noreplace_overlap", at_page(7), 2 * obs_page, RW, ANON | MAP_FIXED_NOREPLACE);
  obs_mmap("mmap.noreplace_free", at_page(30), obs_page, RW, ANON | MAP_FIXED_NOREPLACE);
  obs_maps("maps.after_fixed");

  obs_mmap("mmap.fixed_unaligned", at_page(40) + 1, obs_page, RW, ANON | MAP_FIXED);
  obs_mmap("mmap.zero_length", at_page(40), 0, RW, ANON);
  obs_mmap("mmap.no_sharing_type", at_page(40), obs_page, RW, MAP_ANONYMOUS);
  obs_mmap("mmap.bad_fd", at_page(40), obs_page, RW, MAP_PRIVATE);
  obs_mmap("mmap.huge_length", 0, (size_t)-1 & ~(obs_page - 1), RW, ANON);
  obs_mmap("mmap.wrapping_fixed", (uintptr_t)-obs_page, 2 * obs_page, RW, ANON | MAP_FIXED);
  obs_maps("maps.after_errors");
  return 0;
}
