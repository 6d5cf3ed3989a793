// mremap shrinking, growing in place, refusing to grow into a neighbour, moving (chosen by the
// kernel or MREMAP_FIXED), MREMAP_DONTUNMAP, and the error cases (Linux mm/mremap.c).
#define _GNU_SOURCE
#include "oracle/programs/obs_mremap.h"

static const int RW = PROT_READ | PROT_WRITE;
static const int FIXED = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;

// obs_mremap of a mapping this program holds by its address.
static char* remap(const char* key, char* old, size_t old_len, size_t new_len, int flags,
                   uintptr_t new_addr) {
  return obs_mremap(key, (uintptr_t)old, old_len, new_len, flags, new_addr);
}

// For a move whose destination the kernel chooses from the randomised layout: "ok moved" or
// "ok in_place" (or the error), never the address.
static char* remap_chosen(const char* key, char* old, size_t old_len, size_t new_len) {
  void* p = mremap(old, old_len, new_len, MREMAP_MAYMOVE);
  if (p == MAP_FAILED) {
    obs(key, "error %s", errno_name(errno));
    return NULL;
  }
  obs(key, "ok %s", p == old ? "in_place" : "moved");
  return p;
}

static void fill(char* p, int pages, char first) {
  for (int i = 0; i < pages; i++) p[i * obs_page] = (char)(first + i);
}

int main(void) {
  obs_choose_base();
  char* a = obs_mmap("mmap.a", at_page(0), 4 * obs_page, RW, FIXED);
  char* wall = obs_mmap("mmap.wall", at_page(6), obs_page, PROT_READ, FIXED);
  if (a == NULL || wall == NULL) return 1;
  fill(a, 4, 'a');

  remap("mremap.shrink", a, 4 * obs_page, 2 * obs_page, 0, 0);
  remap("mremap.grow_in_place", a, 2 * obs_page, 6 * obs_page, 0, 0);
  obs_maps("maps.after_grow");
  obs("read.grown_old_page", "%d", a[obs_page]);
  obs("read.grown_new_page", "%d", a[5 * obs_page]);
  remap("mremap.grow_into_wall", a, 6 * obs_page, 8 * obs_page, 0, 0);

  // Where the kernel moves it is random; the fixed move right after brings it back into the
  // window before the maps are read.
  char* moved = remap_chosen("mremap.grow_may_move", a, 6 * obs_page, 8 * obs_page);
  if (moved != NULL) {
    obs("read.moved_page1", "%d", moved[obs_page]);
    char* fixed = remap("mremap.fixed", moved, 8 * obs_page, 8 * obs_page,
                        MREMAP_MAYMOVE | MREMAP_FIXED, at_page(20));
    if (fixed != NULL) obs("read.fixed_page0", "%d", fixed[0]);
  }
  obs_maps("maps.after_fixed");

  char* b = (char*)at_page(20);
  remap("mremap.fixed_without_may_move", b, obs_page, obs_page, MREMAP_FIXED, at_page(40));
  remap("mremap.fixed_overlapping_old", b, 4 * obs_page, 4 * obs_page,
        MREMAP_MAYMOVE | MREMAP_FIXED, at_page(22));
  remap("mremap.unaligned_old", b + 1, obs_page, obs_page, 0, 0);
  remap("mremap.zero_new_length", b, obs_page, 0, 0, 0);
  remap("mremap.not_mapped", (char*)at_page(50), obs_page, 2 * obs_page, 0, 0);
  remap("mremap.zero_old_private", b, 0, obs_page, MREMAP_MAYMOVE, 0);
  remap("mremap.bad_flags", b, obs_page, obs_page, 0x80, 0);
  // Across the wall at page 6 and the hole after it.
  remap("mremap.across_mappings", (char*)at_page(6), 3 * obs_page, 3 * obs_page, 0, 0);

  char* kept = remap("mremap.dontunmap", b, 2 * obs_page, 2 * obs_page,
                     MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, at_page(44));
  if (kept != NULL) {
    obs("read.dontunmap_new", "%d", kept[0]);
    obs("read.dontunmap_old_now_empty", "%d", b[0]);
  }
  obs_maps("maps.final");
  return 0;
}
