// madvise (Linux mm/madvise.c): MADV_DONTNEED zeroes private anonymous pages but not shared ones,
// the other advice that needs no memory pressure, and the errors: an unaligned start, unknown
// advice, a length that wraps, a range with unmapped pages (ENOMEM after advising the mapped
// part), MADV_REMOVE on a private mapping.
#include "oracle/programs/obs.h"

static const int RW = PROT_READ | PROT_WRITE;
static const int FIXED = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;

static void fill(char* p, int pages, char first) {
  for (int i = 0; i < pages; i++) p[i * obs_page] = (char)(first + i);
}

static void show(const char* key, const char* p, int pages) {
  char text[64];
  int n = 0;
  for (int i = 0; i < pages && n < (int)sizeof text - 4; i++) {
    n += snprintf(text + n, sizeof text - (size_t)n, "%s%d", i ? " " : "", p[i * obs_page]);
  }
  obs(key, "%s", text);
}

static void advise(const char* key, uintptr_t addr, size_t len, int advice) {
  obs_status(key, madvise((void*)addr, len, advice));
}

int main(void) {
  obs_choose_base();
  char* a = obs_mmap("mmap.private", at_page(0), 4 * obs_page, RW, FIXED);
  char* s = obs_mmap("mmap.shared", at_page(8), 2 * obs_page, RW,
                     MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE);
  char* none = obs_mmap("mmap.none", at_page(12), obs_page, PROT_NONE, FIXED);
  if (a == NULL || s == NULL || none == NULL) return 1;
  fill(a, 4, 10);
  fill(s, 2, 20);

  advise("madvise.dontneed_page1", at_page(1), obs_page, MADV_DONTNEED);
  show("read.after_dontneed", a, 4);
  advise("madvise.dontneed_shared", at_page(8), 2 * obs_page, MADV_DONTNEED);
  show("read.shared_after_dontneed", s, 2);
  // Unmapped before the maps are read: Linux names a shared anonymous mapping "/dev/zero
  // (deleted)", a difference mremap_errors shows.
  obs_status("munmap.shared", munmap(s, 2 * obs_page));
  advise("madvise.dontneed_none", at_page(12), obs_page, MADV_DONTNEED);
  advise("madvise.dontneed_unaligned_len", at_page(2), 1, MADV_DONTNEED);
  show("read.after_unaligned_len", a, 4);
  fill(a, 4, 30);
  // Pages 3 to 5: page 3 is mapped, 4 and 5 are not.
  advise("madvise.dontneed_past_end", at_page(3), 3 * obs_page, MADV_DONTNEED);
  show("read.after_past_end", a, 4);
  obs_maps("maps.after_dontneed");

  advise("madvise.unaligned_start", at_page(0) + 8, obs_page, MADV_DONTNEED);
  advise("madvise.bad_advice", at_page(0), obs_page, 12345);
  advise("madvise.bad_advice_unmapped", at_page(40), obs_page, 12345);
  advise("madvise.zero_length", at_page(0), 0, MADV_DONTNEED);
  advise("madvise.zero_length_unmapped", at_page(40), 0, MADV_DONTNEED);
  advise("madvise.length_wraps", at_page(0), (size_t)-1, MADV_DONTNEED);
  advise("madvise.end_wraps", at_page(0), (size_t)0 - at_page(0) + obs_page, MADV_DONTNEED);
  advise("madvise.unmapped", at_page(40), obs_page, MADV_DONTNEED);
  advise("madvise.remove_private", at_page(0), obs_page, MADV_REMOVE);
  show("read.after_errors", a, 4);

  // Advice that only changes the VMA's flags (VM_SEQ_READ, VM_RAND_READ, VM_DONTCOPY): the
  // range is split where the flags now differ.
  advise("madvise.normal", at_page(0), 4 * obs_page, MADV_NORMAL);
  advise("madvise.random", at_page(0), 4 * obs_page, MADV_RANDOM);
  advise("madvise.sequential", at_page(0), obs_page, MADV_SEQUENTIAL);
  advise("madvise.willneed", at_page(0), 4 * obs_page, MADV_WILLNEED);
  advise("madvise.dontfork", at_page(0), obs_page, MADV_DONTFORK);
  advise("madvise.dofork", at_page(0), obs_page, MADV_DOFORK);
  obs_maps("maps.after_advice");
  show("read.after_advice", a, 4);
  advise("madvise.unmapped_normal", at_page(40), obs_page, MADV_NORMAL);
  advise("madvise.hole_inside", at_page(0), 10 * obs_page, MADV_NORMAL);
  return 0;
}
