// Every way mremap refuses (Linux mm/mremap.c, 6.12): flag combinations, alignment, lengths, the
// old range not mapped or spanning mappings, destinations that overlap or leave user space; and
// the cases that succeed at the edges: old_len 0 of a shared mapping (a second mapping of the
// same pages), a MREMAP_FIXED move over an existing mapping, a shrink across two mappings.
#define _GNU_SOURCE
#include "oracle/programs/obs_mremap.h"

static const int RW = PROT_READ | PROT_WRITE;
static const int FIXED = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;
static const int MAYMOVE = MREMAP_MAYMOVE;
static const int FIXED_MOVE = MREMAP_MAYMOVE | MREMAP_FIXED;

int main(void) {
  obs_choose_base();
  const size_t P = obs_page;
  char* a = obs_mmap("mmap.a", at_page(0), 4 * P, RW, FIXED);
  char* b = obs_mmap("mmap.b", at_page(4), 2 * P, PROT_READ, FIXED);
  char* t = obs_mmap("mmap.target", at_page(30), 2 * P, PROT_READ, FIXED);
  if (a == NULL || b == NULL || t == NULL) return 1;
  a[0] = 11;

  obs_mremap("flags.unknown", at_page(0), P, P, 0x10, 0);
  obs_mremap("flags.fixed_alone", at_page(0), P, P, MREMAP_FIXED, at_page(40));
  obs_mremap("flags.dontunmap_alone", at_page(0), P, P, MREMAP_DONTUNMAP, at_page(40));
  obs_mremap("flags.dontunmap_resize", at_page(0), P, 2 * P, MAYMOVE | MREMAP_DONTUNMAP, 0);
  obs_mremap("align.old", at_page(0) + 8, P, P, 0, 0);
  obs_mremap("align.new_fixed", at_page(0), P, P, FIXED_MOVE, at_page(40) + 8);
  obs_mremap("length.new_zero", at_page(0), P, 0, 0, 0);
  obs_mremap("length.new_huge", at_page(0), P, (size_t)-P, MAYMOVE, 0);
  obs_mremap("length.old_huge_shrink", at_page(0), (size_t)-P, P, 0, 0);
  obs_mremap("length.old_zero_private", at_page(0), 0, P, MAYMOVE, 0);
  obs_mremap("length.old_zero_private_fixed", at_page(0), 0, P, FIXED_MOVE, at_page(40));
  obs_mremap("range.old_unmapped", at_page(20), P, P, 0, 0);
  obs_mremap("range.old_unmapped_grow", at_page(20), P, 2 * P, MAYMOVE, 0);
  obs_mremap("range.old_spans_two", at_page(2), 4 * P, 4 * P, 0, 0);
  obs_mremap("range.old_spans_two_grow", at_page(2), 4 * P, 6 * P, MAYMOVE, 0);
  obs_mremap("range.old_past_end_grow", at_page(4), 3 * P, 4 * P, MAYMOVE, 0);
  obs_mremap("fixed.overlap_before", at_page(0), 2 * P, 2 * P, FIXED_MOVE, at_page(0) - P);
  obs_mremap("fixed.overlap_after", at_page(0), 2 * P, 2 * P, FIXED_MOVE, at_page(1));
  obs_mremap("fixed.same_address", at_page(0), 2 * P, 2 * P, FIXED_MOVE, at_page(0));
  obs_mremap("fixed.past_user_space", at_page(0), P, P, FIXED_MOVE, (uintptr_t)-P);
  obs_mremap("fixed.new_wraps", at_page(0), P, 2 * P, FIXED_MOVE, (uintptr_t)-P);
  obs_mremap("grow.blocked_no_maymove", at_page(0), 4 * P, 5 * P, 0, 0);
  obs_mremap("shrink.same_length", at_page(0), 4 * P, 4 * P, 0, 0);
  obs_maps("maps.after_errors");

  // Edges that succeed.
  char* over = obs_mremap("fixed.over_mapping", at_page(0), P, P, FIXED_MOVE, at_page(30));
  if (over != NULL) obs("read.moved_over", "%d", over[0]);
  obs_maps("maps.after_over");
  obs_mremap("shrink.across_two", at_page(1), 5 * P, P, 0, 0);
  obs_maps("maps.final");

  // Last, as Maplet names a shared anonymous mapping differently (Linux: "/dev/zero (deleted)").
  char* s = obs_mmap("mmap.shared", at_page(10), 2 * P, RW,
                     MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE);
  if (s == NULL) return 1;
  s[0] = 22;
  char* dup = obs_mremap("shared.old_zero_duplicate", at_page(10), 0, P, FIXED_MOVE, at_page(40));
  if (dup != NULL) {
    obs("read.duplicate", "%d", dup[0]);
    dup[0] = 33;
    obs("read.original_after_write", "%d", s[0]);
  }
  obs_maps("maps.shared");
  return 0;
}
