// anon_vma identity and the merges it decides (Linux 6.12's mm/vma.c is_mergeable_anon_vma,
// can_vma_merge_left/right, find_mergeable_anon_vma, copy_vma; mm/memory.c
// do_anonymous_page; mm/mmap.c expand_downwards): a VMA gets an anon_vma on its first write
// fault, never on a read, and a range that has one merges only into a VMA with the same one.

#include "host-tests/fake_mmu.h"

namespace {

class AddressSpaceAnonVma : public AddressSpaceTest {
 protected:
  static constexpr uint64_t T = 0x40000000;
  static constexpr VmFlags RW_ = VM_READ | VM_WRITE | MAY | VM_ACCOUNT;
  static constexpr VmFlags R_ = VM_READ | MAY;
  static constexpr int F = ANON | MAP_FIXED;
};

TEST_F(AddressSpaceAnonVma, WrittenNeighboursWithTheirOwnAnonVmasDoNotJoin) {
  map(T, P, RW, F);
  touch(T);
  map(T + 2 * P, P, RW, F);
  touch(T + 2 * P);
  map(T + P, P, RW, F);
  // The new range merges left; prev's and next's anon_vmas differ, so not right.
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{T, T + 2 * P, RW_, T / P},
                                          {T + 2 * P, T + 3 * P, RW_, T / P + 2}}));
  check();
}

TEST_F(AddressSpaceAnonVma, ReadFaultsMapTheZeroPageAndAssignNone) {
  map(T, P, RW, F);
  touch(T, FaultAccess::Read);
  map(T + 2 * P, P, RW, F);
  touch(T + 2 * P, FaultAccess::Read);
  map(T + P, P, RW, F);
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{T, T + 3 * P, RW_, T / P}}));
  EXPECT_EQ(space->vma_lookup(T)->anon_vma, 0u);
  // mincore reports a page mapped from the zero page (pte_present), and not once dropped.
  uint8_t vec[3] = {};
  EXPECT_EQ(space->mincore(T, 3 * P, vec, 3).value(), 3u);
  EXPECT_EQ(vec[0], 1);
  EXPECT_EQ(vec[1], 0);
  EXPECT_EQ(vec[2], 1);
  ASSERT_TRUE(space->madvise(T, 3 * P, MADV_DONTNEED).is_ok());
  EXPECT_EQ(space->mincore(T, 3 * P, vec, 3).value(), 3u);
  EXPECT_EQ(vec[0] | vec[1] | vec[2], 0);
  // A write after the read, even to a page still present, assigns one (wp_page_copy).
  touch(T + P, FaultAccess::Read);
  touch(T + P, FaultAccess::Write);
  EXPECT_NE(space->vma_lookup(T)->anon_vma, 0u);
  check();
}

TEST_F(AddressSpaceAnonVma, AFaultReusesACompatibleNeighboursAnonVma) {
  // Differing in access bits only, so anon_vma_compatible() and the second write reuses the
  // first VMA's anon_vma; mprotect can then merge them.
  map(T, P, RW, F);
  map(T + P, P, RW | PROT_EXEC, F);
  touch(T);
  touch(T + P);
  EXPECT_EQ(space->vma_lookup(T)->anon_vma, space->vma_lookup(T + P)->anon_vma);
  ASSERT_TRUE(space->mprotect(T + P, P, RW).is_ok());
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{T, T + 2 * P, RW_, T / P}}));
  check();
}

TEST_F(AddressSpaceAnonVma, MprotectMergesAnUntouchedPieceIntoATouchedOneOnly) {
  map(T, P, PROT_READ, F);
  map(T + P, P, RW, F);
  touch(T + P);
  // The written VMA's anon_vma is the proposed one: the untouched prev (empty anon_vma chain)
  // does not accept it.
  ASSERT_TRUE(space->mprotect(T + P, P, PROT_READ).is_ok());
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{T, T + P, R_, T / P},
                                          {T + P, T + 2 * P, R_ | VM_ACCOUNT, T / P + 1}}));
  // The other way round: the untouched VMA's missing anon_vma is accepted by its neighbour.
  ASSERT_TRUE(space->mprotect(T + P, P, RW).is_ok());
  ASSERT_TRUE(space->mprotect(T, P, RW).is_ok());
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{T, T + 2 * P, RW_, T / P}}));
  check();
}

TEST_F(AddressSpaceAnonVma, MprotectBetweenTwoAnonVmasMergesOneSide) {
  map(T, P, RW, F);
  touch(T);
  map(T + 2 * P, P, RW, F);
  touch(T + 2 * P);
  map(T + P, P, PROT_READ, F);
  ASSERT_TRUE(space->mprotect(T + P, P, RW).is_ok());
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{T, T + 2 * P, RW_, T / P},
                                          {T + 2 * P, T + 3 * P, RW_, T / P + 2}}));
  check();
}

TEST_F(AddressSpaceAnonVma, InPlaceGrowthMergesWithATouchedNextOnlyWhenUntouched) {
  map(T, P, RW, F);
  map(T + 2 * P, P, RW, F);
  touch(T + 2 * P);
  ASSERT_EQ(space->mremap(T, P, 2 * P, 0).value(), T);
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{T, T + 3 * P, RW_, T / P}}));
  ASSERT_TRUE(space->munmap(T, 3 * P).is_ok());

  map(T, P, RW, F);
  touch(T);
  map(T + 2 * P, P, RW, F);
  ASSERT_EQ(space->mremap(T, P, 2 * P, 0).value(), T);
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{T, T + 2 * P, RW_, T / P},
                                          {T + 2 * P, T + 3 * P, RW_, T / P + 2}}));
  check();
}

TEST_F(AddressSpaceAnonVma, MovingAnUntouchedVmaResetsItsOffset) {
  map(T, 2 * P, RW, F);
  map(T + 10 * P, 2 * P, RW, F);
  ASSERT_EQ(
      space->mremap(T + 10 * P, 2 * P, 2 * P, MREMAP_MAYMOVE | MREMAP_FIXED, T + 2 * P).value(),
      T + 2 * P);
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{T, T + 4 * P, RW_, T / P}}));
  check();
}

TEST_F(AddressSpaceAnonVma, MovingATouchedVmaKeepsItsOffset) {
  map(T, 2 * P, RW, F);
  map(T + 10 * P, 2 * P, RW, F);
  touch(T + 10 * P);
  ASSERT_EQ(
      space->mremap(T + 10 * P, 2 * P, 2 * P, MREMAP_MAYMOVE | MREMAP_FIXED, T + 2 * P).value(),
      T + 2 * P);
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{T, T + 2 * P, RW_, T / P},
                                          {T + 2 * P, T + 4 * P, RW_, T / P + 10}}));
  check();
}

TEST_F(AddressSpaceAnonVma, AnUntouchedVmaMovedNextToItselfMergesWithItsRest) {
  // The source's own remains are a neighbour like any other once the offset follows the
  // address (copy_vma's "Source vma may have been merged into new_vma").
  map(T, 4 * P, RW, F);
  ASSERT_EQ(space->mremap(T, 2 * P, 2 * P, MREMAP_MAYMOVE | MREMAP_FIXED, T + 4 * P).value(),
            T + 4 * P);
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{T + 2 * P, T + 6 * P, RW_, T / P + 2}}));
  check();
}

TEST_F(AddressSpaceAnonVma, StackGrowthAssignsAnAnonVma) {
  constexpr int STACK = F | MAP_GROWSDOWN;
  constexpr VmFlags GROWS = VM_GROWSDOWN;
  map(T, P, PROT_READ, STACK);
  map(T + P, P, RW, STACK);
  // expand_downwards() prepares the anon_vma even for a read.
  touch(T - P, FaultAccess::Read);
  ASSERT_TRUE(space->mprotect(T - P, 2 * P, RW).is_ok());
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{T - P, T + P, RW_ | GROWS, T / P - 1},
                                          {T + P, T + 2 * P, RW_ | GROWS, T / P + 1}}));
  check();
}

TEST_F(AddressSpaceAnonVma, AWriteFaultPastTheEndOfAPrivateFileStillAssignsOne) {
  static const VmFile file{"/f", P, 8, 1, 10, nullptr};
  ASSERT_EQ(space->mmap(T, 2 * P, RW, MAP_PRIVATE | MAP_FIXED, &file, 0).value(), T);
  EXPECT_EQ(fault(T + P, FaultAccess::Write).signal, FaultSignal::Bus);
  // do_cow_fault() prepared it before the file said SIGBUS.
  EXPECT_NE(space->vma_lookup(T)->anon_vma, 0u);
  check();
}

}  // namespace
