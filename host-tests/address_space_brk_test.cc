// brk against Linux's mm/mmap.c (v6.12): growing and shrinking the heap VMA, the page kept free
// above it, failures returning the old break, and "[heap]" following the real break in
// /proc/PID/maps.

#include "host-tests/fake_mmu.h"

namespace {

class AddressSpaceBrk : public AddressSpaceTest {
 protected:
  static constexpr uint64_t START_BRK = 0x555555560000;

  AddressSpaceBrk() {
    AddressSpaceLayout layout = default_layout();
    layout.start_brk = layout.brk = START_BRK;
    make_space(layout);
  }
};

constexpr VmFlags HEAP = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_ACCOUNT;

TEST_F(AddressSpaceBrk, GrowsOneHeapVmaAndShrinksIt) {
  EXPECT_EQ(space->brk(0), START_BRK);
  EXPECT_EQ(space->brk(START_BRK + 100), START_BRK + 100);
  EXPECT_EQ(space->brk(START_BRK + 3 * P), START_BRK + 3 * P);
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{START_BRK, START_BRK + 3 * P, HEAP, START_BRK / P}}));
  EXPECT_EQ(maps(),
            "555555560000-555555563000 rw-p 00000000 00:00 0                          [heap]\n");
  touch(START_BRK + 2 * P);
  EXPECT_EQ(space->brk(START_BRK + P + 1), START_BRK + P + 1);
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{START_BRK, START_BRK + 2 * P, HEAP, START_BRK / P}}));
  EXPECT_TRUE(mmu.pages.empty());
  EXPECT_TRUE(pages.live.empty());
  EXPECT_EQ(space->brk(START_BRK), START_BRK);
  EXPECT_TRUE(vmas().empty());
  EXPECT_EQ(space->current_brk(), START_BRK);
  check();
}

TEST_F(AddressSpaceBrk, FailuresReturnTheOldBreak) {
  EXPECT_EQ(space->brk(START_BRK - P), START_BRK);
  EXPECT_EQ(space->brk(TASK_SIZE + P), START_BRK);
  map(START_BRK + 4 * P, P, PROT_READ, ANON | MAP_FIXED);
  // Up to a page below the mapping is fine, touching it is not.
  EXPECT_EQ(space->brk(START_BRK + 4 * P), START_BRK);
  EXPECT_EQ(space->brk(START_BRK + 3 * P), START_BRK + 3 * P);
  heap.vma_budget = 0;
  EXPECT_EQ(space->brk(START_BRK + 3 * P - 1), START_BRK + 3 * P - 1);  // same page
  heap.vma_budget = -1;
  // A shrink over nothing mapped fails.
  ASSERT_TRUE(space->munmap(START_BRK, 3 * P).is_ok());
  EXPECT_EQ(space->brk(START_BRK + P), START_BRK + 3 * P - 1);
  check();
}

TEST_F(AddressSpaceBrk, ChangedHeapFlagsStartANewVma) {
  EXPECT_EQ(space->brk(START_BRK + 2 * P), START_BRK + 2 * P);
  ASSERT_TRUE(space->mprotect(START_BRK + P, P, PROT_READ).is_ok());
  EXPECT_EQ(space->brk(START_BRK + 3 * P), START_BRK + 3 * P);
  EXPECT_EQ(space->map_count(), 3u);
  heap.vma_budget = 0;
  ASSERT_TRUE(space->mprotect(START_BRK + 2 * P, P, PROT_READ).is_ok());  // merges, no VMA
  EXPECT_EQ(space->brk(START_BRK + 4 * P), START_BRK + 3 * P);
  heap.vma_budget = -1;
  check();
}

TEST_F(AddressSpaceBrk, NeverExtendsAMappingBelowStartBrk) {
  map(START_BRK - P, P, RW, ANON | MAP_FIXED);
  EXPECT_EQ(space->brk(START_BRK + P), START_BRK + P);
  EXPECT_EQ(space->map_count(), 2u);
  EXPECT_EQ(space->vma_lookup(START_BRK)->vm_start, START_BRK);
}

// Linux merges only where something changed: an mprotect that changes nothing keeps the two
// VMAs either side of start_brk apart, one that changes the heap merges it with its neighbour.
TEST_F(AddressSpaceBrk, MprotectMergesAcrossStartBrkOnlyWhereFlagsChange) {
  map(START_BRK - P, P, RW, ANON | MAP_FIXED);
  EXPECT_EQ(space->brk(START_BRK + P), START_BRK + P);
  ASSERT_TRUE(space->mprotect(START_BRK - P, 2 * P, RW).is_ok());
  EXPECT_EQ(space->map_count(), 2u);
  ASSERT_TRUE(space->mprotect(START_BRK, P, PROT_READ).is_ok());
  EXPECT_EQ(space->map_count(), 2u);
  ASSERT_TRUE(space->mprotect(START_BRK, P, RW).is_ok());
  EXPECT_EQ(vmas(),
            (std::vector<VmaView>{{START_BRK - P, START_BRK + P, HEAP, (START_BRK - P) / P}}));
  check();
}

TEST_F(AddressSpaceBrk, StackGuardGapBelowAGrowsDownMapping) {
  map(START_BRK + 300 * P, P, RW, ANON | MAP_FIXED | MAP_GROWSDOWN);
  EXPECT_EQ(space->brk(START_BRK + 44 * P), START_BRK);
  EXPECT_EQ(space->brk(START_BRK + 43 * P), START_BRK + 43 * P);
  check();
}

}  // namespace
