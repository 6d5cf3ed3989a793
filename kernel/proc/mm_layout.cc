#include "kernel/proc/mm_layout.h"

#include "kernel/mm/page_allocator.h"

namespace {

constexpr uint64_t page_align(uint64_t v) { return (v + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }
constexpr uint64_t MIN_GAP = uint64_t{128} << 20;
constexpr uint64_t GUARD_GAP = 256 * PAGE_SIZE;  // stack_guard_gap's default
constexpr uint64_t BRK_RANGE = uint64_t{1} << 30;

}  // namespace

NewMmLayout new_mm_layout(const ProcessArch& arch, bool randomize, uint64_t (*random)()) {
  NewMmLayout layout{};
  const uint64_t top = arch.stack_top;
  // randomize_stack_top(): a random number of pages below the top, within STACK_RND_MASK.
  layout.stack_top =
      randomize ? page_align(top) - (random() & (arch.stack_random_range - 1) & ~(PAGE_SIZE - 1))
                : top;
  const uint64_t mmap_rnd =
      randomize ? (random() & ((uint64_t{1} << arch.mmap_random_bits) - 1)) << PAGE_SHIFT : 0;
  uint64_t gap = STACK_RLIMIT + GUARD_GAP + (randomize ? arch.stack_random_range : 0);
  const uint64_t max_gap = top / 6 * 5;
  if (gap < MIN_GAP) gap = MIN_GAP;
  if (gap > max_gap) gap = max_gap;
  layout.mmap_base = page_align(top - gap - mmap_rnd);
  // mmap_legacy_base(): TASK_UNMAPPED_BASE plus the same random offset.
  layout.unmapped_base = page_align(top / 4) + mmap_rnd;
  return layout;
}

uint64_t randomize_brk(uint64_t start_brk, bool randomize, uint64_t (*random)()) {
  if (!randomize) return start_brk;
  const uint64_t pages = BRK_RANGE >> PAGE_SHIFT;
  return start_brk + ((random() % pages) << PAGE_SHIFT);
}
