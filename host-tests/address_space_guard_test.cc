// The stack guard gap in placement (Linux's stack_guard_gap, vm_start_gap() in
// generic_get_unmapped_area_topdown and unmapped_area_topdown/unmapped_area): neither a hint nor
// the free-range search may end a mapping less than the gap below a VM_GROWSDOWN mapping.
// MAP_FIXED is not placement and ignores it.

#include "host-tests/fake_mmu.h"

namespace {

using AddressSpaceGuardGap = AddressSpaceTest;

constexpr uint64_t GAP = 256 * P;  // the default stack_guard_gap
constexpr int STACK = ANON | MAP_FIXED | MAP_GROWSDOWN;

TEST_F(AddressSpaceGuardGap, TopDownSearchRetriesBelowTheGap) {
  const uint64_t stack = MMAP_BASE - 4 * P;
  map(stack, P, RW, STACK);
  // Above the stack nothing grows down: the range right below mmap_base is fine.
  EXPECT_EQ(map(0, 3 * P), MMAP_BASE - 3 * P);
  // The highest free range now ends at the stack, inside its gap: the search goes below it.
  EXPECT_EQ(map(0, 2 * P), stack - GAP - 2 * P);
  EXPECT_EQ(map(0, P), stack - GAP - 3 * P);
  check();
}

TEST_F(AddressSpaceGuardGap, HintsEndingInTheGapAreNotTaken) {
  const uint64_t stack = 0x100000000;
  map(stack, P, RW, STACK);
  EXPECT_EQ(map(stack - P, P), MMAP_BASE - P);
  EXPECT_EQ(map(stack - GAP + P, P), MMAP_BASE - 2 * P);
  // Ending exactly at the gap is fine.
  EXPECT_EQ(map(stack - GAP - P, P), stack - GAP - P);
  // A mapping that does not grow down has no gap.
  map(0x200000000, P, RW, ANON | MAP_FIXED);
  EXPECT_EQ(map(0x200000000 - P, P, PROT_READ), 0x200000000 - P);
  check();
}

TEST_F(AddressSpaceGuardGap, FixedMappingsMayUseTheGap) {
  const uint64_t stack = 0x100000000;
  map(stack, P, RW, STACK);
  EXPECT_EQ(map(stack - P, P, RW, ANON | MAP_FIXED), stack - P);
  EXPECT_EQ(map(stack - 2 * P, P, RW, ANON | MAP_FIXED_NOREPLACE), stack - 2 * P);
  check();
}

TEST_F(AddressSpaceGuardGap, TheGapSizeComesFromTheLayout) {
  AddressSpaceLayout layout = default_layout();
  layout.stack_guard_gap = 4 * P;
  make_space(layout);
  map(MMAP_BASE - P, P, RW, STACK);
  EXPECT_EQ(map(0, P), MMAP_BASE - 6 * P);
  EXPECT_EQ(map(MMAP_BASE - 5 * P, P), MMAP_BASE - 7 * P);  // in the gap: search instead
  check();
}

TEST_F(AddressSpaceGuardGap, BottomUpFallbackSkipsAStackInTheWay) {
  AddressSpaceLayout layout = default_layout();
  layout.mmap_base = 0x100000;
  make_space(layout);
  const uint64_t stack = UNMAPPED_BASE + 0x100000 + 10 * P;
  map(stack, P, RW, STACK);
  EXPECT_EQ(map(0, 0x100000), stack + P);
  check();
}

TEST_F(AddressSpaceGuardGap, MremapMovesAreSearchedWithTheGapToo) {
  const uint64_t stack = MMAP_BASE - P;
  map(stack, P, RW, STACK);
  const uint64_t at = map(0x100000000, P);
  map(at + P, P, PROT_READ, ANON | MAP_FIXED);  // no growing in place
  Result<uint64_t> moved = space->mremap(at, P, 2 * P, MREMAP_MAYMOVE);
  ASSERT_TRUE(moved.is_ok());
  EXPECT_EQ(moved.value(), stack - GAP - 2 * P);
  check();
}

}  // namespace
