// Overcommit accounting and the mmap flags that set VMA flags (Linux 6.12: mm/mmap.c
// accountable_mapping, mmap_region, do_brk_flags, acct_stack_growth; mm/mprotect.c
// mprotect_fixup; mm/mremap.c; mm/util.c __vm_enough_memory under OVERCOMMIT_GUESS; mm/gup.c
// populate_vma_page_range): VM_ACCOUNT on private writable memory keeps it from merging with
// memory that is not accounted, a single charge larger than RAM plus swap is ENOMEM, and
// MAP_LOCKED, MAP_STACK and MAP_POPULATE change flags or pages.

#include "host-tests/fake_mmu.h"

namespace {

class AddressSpaceAccounting : public AddressSpaceTest {
 protected:
  static constexpr uint64_t T = 0x40000000;
  static constexpr int F = ANON | MAP_FIXED;
  static constexpr VmFlags R_ = VM_READ | MAY;
  static constexpr VmFlags RW_ = VM_READ | VM_WRITE | MAY;
  static constexpr uint64_t LIMIT = 16;  // pages of RAM plus swap

  AddressSpaceAccounting() {
    AddressSpaceLayout l = default_layout();
    l.commit_limit_pages = LIMIT;
    l.thp = true;
    make_space(l);
  }
};

TEST_F(AddressSpaceAccounting, PrivateWritableMemoryIsAccountedSharedAndNoreserveAreNot) {
  map(T, P, RW, F);
  map(T + 2 * P, P, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED);
  map(T + 4 * P, P, RW, F | MAP_NORESERVE_GENERIC);
  map(T + 6 * P, P, PROT_READ, F);
  const VmFlags shared = RW_ | VM_SHARED | VM_MAYSHARE;
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{T, T + P, RW_ | VM_ACCOUNT, T / P},
                                          {T + 2 * P, T + 3 * P, shared, 0},
                                          {T + 4 * P, T + 5 * P, RW_ | VM_NORESERVE, T / P + 4},
                                          {T + 6 * P, T + 7 * P, R_, T / P + 6}}));
  check();
}

TEST_F(AddressSpaceAccounting, ATouchedVmaMadeReadOnlyStaysAccountedAndApart) {
  map(T, P, RW, F);
  touch(T);
  ASSERT_TRUE(space->mprotect(T, P, PROT_READ).is_ok());
  map(T + P, P, PROT_READ, F);
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{T, T + P, R_ | VM_ACCOUNT, T / P},
                                          {T + P, T + 2 * P, R_, T / P + 1}}));
  check();
}

TEST_F(AddressSpaceAccounting, AnUntouchedVmaMadeReadOnlyGivesTheChargeBack) {
  map(T, P, RW, F);
  ASSERT_TRUE(space->mprotect(T, P, PROT_READ).is_ok());
  map(T + P, P, PROT_READ, F);
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{T, T + 2 * P, R_, T / P}}));
  check();
}

TEST_F(AddressSpaceAccounting, AFileMappingMadeWritableStaysAccounted) {
  uint8_t bytes[4 * P] = {};
  VmFile file{"/f", 4 * P, 8, 1, 5, bytes};
  ASSERT_TRUE(space->mmap(T, P, PROT_READ, MAP_PRIVATE | MAP_FIXED, &file, 0).is_ok());
  ASSERT_TRUE(space->mprotect(T, P, RW).is_ok());
  ASSERT_TRUE(space->mprotect(T, P, PROT_READ).is_ok());
  ASSERT_TRUE(space->mmap(T + P, P, PROT_READ, MAP_PRIVATE | MAP_FIXED, &file, P).is_ok());
  EXPECT_EQ(vmas(),
            (std::vector<VmaView>{{T, T + P, R_ | VM_ACCOUNT, 0}, {T + P, T + 2 * P, R_, 1}}));
  check();
}

TEST_F(AddressSpaceAccounting, AChargeAboveRamAndSwapIsNoMemory) {
  EXPECT_EQ(mmap_error(0, (LIMIT + 1) * P, RW, ANON), Error::NoMemory);
  // Not charged: read-only or MAP_NORESERVE private memory of that size maps, and shared
  // memory with MAP_NORESERVE.
  map(0, (LIMIT + 1) * P, PROT_READ, ANON);
  map(0, (LIMIT + 1) * P, RW, ANON | MAP_NORESERVE_GENERIC);
  map(0, (LIMIT + 1) * P, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE_GENERIC);
  // The limit bounds each charge, not their sum.
  map(T, LIMIT * P, RW, F);
  map(T + LIMIT * P, LIMIT * P, RW, F);
  // MAP_FIXED over accounted memory is charged only for what was not accounted.
  map(T + LIMIT * P - P, (LIMIT + 1) * P, RW, F);
  check();
}

// shmem_acct_size(): a shared anonymous mapping charges its size whatever its protection; the
// refusal comes after the range was cleared, so what it would have replaced is gone.
TEST_F(AddressSpaceAccounting, SharedAnonymousMemoryIsChargedWholeAndARefusalUnmaps) {
  map(T, LIMIT * P, PROT_READ, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED);
  map(T + LIMIT * P, (LIMIT + 4) * P, PROT_READ, F);
  EXPECT_EQ(mmap_error(T + LIMIT * P - P, (LIMIT + 1) * P, PROT_READ,
                       MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED),
            Error::NoMemory);
  EXPECT_EQ(mmap_error(0, (LIMIT + 1) * P, PROT_NONE, MAP_SHARED | MAP_ANONYMOUS), Error::NoMemory);
  const VmFlags shared = R_ | VM_SHARED | VM_MAYSHARE;
  EXPECT_EQ(vmas(), (std::vector<VmaView>{
                        {T, T + LIMIT * P - P, shared, 0},
                        {T + 2 * LIMIT * P, T + (2 * LIMIT + 4) * P, R_, T / P + 2 * LIMIT}}));
  check();
}

TEST_F(AddressSpaceAccounting, MprotectMremapBrkAndStackGrowthAreCharged) {
  map(T, (LIMIT + 1) * P, PROT_READ, F);
  EXPECT_EQ(error_of(space->mprotect(T, (LIMIT + 1) * P, RW)), Error::NoMemory);
  EXPECT_EQ(vmas()[0].flags, R_);
  ASSERT_TRUE(space->mprotect(T, LIMIT * P, RW).is_ok());
  // Growing accounted memory charges the growth.
  const uint64_t u = 0x50000000;
  map(u, P, RW, F);
  EXPECT_EQ(error_of(space->mremap(u, P, (LIMIT + 2) * P, 0)), Error::NoMemory);
  EXPECT_EQ(error_of(space->mremap(u, P, (LIMIT + 2) * P, MREMAP_MAYMOVE)), Error::NoMemory);
  EXPECT_TRUE(space->mremap(u, P, (LIMIT + 1) * P, 0).is_ok());
  check();

  AddressSpaceLayout l = default_layout();
  l.commit_limit_pages = LIMIT;
  l.start_brk = l.brk = 0x60000000;
  make_space(l);
  EXPECT_EQ(space->brk(0x60000000 + (LIMIT + 1) * P), 0x60000000u);
  EXPECT_EQ(space->brk(0x60000000 + LIMIT * P), 0x60000000u + LIMIT * P);
  EXPECT_EQ(vmas()[0].flags, RW_ | VM_ACCOUNT);
  // A stack grows by at most the limit at once.
  const uint64_t s = 0x70000000;
  map(s, P, RW, F | MAP_GROWSDOWN);
  EXPECT_EQ(fault(s - (LIMIT + 1) * P, FaultAccess::Write).signal, FaultSignal::Segv);
  touch(s - LIMIT * P);
  check();
}

TEST_F(AddressSpaceAccounting, LockedAndStackMappingsCarryFlagsThatStopMerges) {
  map(T, P, RW, F);
  map(T + P, P, RW, F | MAP_LOCKED_GENERIC);
  map(T + 2 * P, P, RW, F | MAP_STACK);
  EXPECT_EQ(vmas(), (std::vector<VmaView>{
                        {T, T + P, RW_ | VM_ACCOUNT, T / P},
                        {T + P, T + 2 * P, RW_ | VM_ACCOUNT | VM_LOCKED, T / P + 1},
                        {T + 2 * P, T + 3 * P, RW_ | VM_ACCOUNT | VM_NOHUGEPAGE, T / P + 2}}));
  // MAP_LOCKED also faults the pages in.
  EXPECT_EQ(mapped(T, T + 3 * P).size(), 1u);
  EXPECT_EQ(mapped(T + P, T + 2 * P).size(), 1u);
  check();

  // Without THP configured, MAP_STACK sets nothing.
  make_space(default_layout());
  map(T, P, RW, F);
  map(T + P, P, RW, F | MAP_STACK);
  EXPECT_EQ(space->map_count(), 1u);
  check();
}

TEST_F(AddressSpaceAccounting, LockedMemoryMadeWritableIsFaultedInForWrite) {
  map(T, 2 * P, PROT_READ, F | MAP_LOCKED_GENERIC);
  EXPECT_EQ(space->vma_lookup(T)->anon_vma, 0u);
  ASSERT_TRUE(space->mprotect(T + P, P, RW).is_ok());
  EXPECT_EQ(space->vma_lookup(T)->anon_vma, 0u);
  EXPECT_NE(space->vma_lookup(T + P)->anon_vma, 0u);
  EXPECT_EQ(mapped(T + P, T + 2 * P).at(T + P).flags, VM_READ | VM_WRITE);
  check();
}

TEST_F(AddressSpaceAccounting, PopulateWritesPrivateWritableMemoryAfterTheMerge) {
  map(T, P, RW, F);
  map(T + P, 2 * P, RW, F | MAP_POPULATE);
  // One VMA (MAP_POPULATE sets no flag), its new pages present and an anon_vma assigned.
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{T, T + 3 * P, RW_ | VM_ACCOUNT, T / P}}));
  EXPECT_EQ(mapped(T, T + 3 * P).size(), 2u);
  EXPECT_EQ(mapped(T, T + P).size(), 0u);
  EXPECT_NE(space->vma_lookup(T)->anon_vma, 0u);
  // The anon_vma now keeps a later untouched neighbour's merge from joining across.
  map(T + 4 * P, P, RW, F);
  touch(T + 4 * P);
  map(T + 3 * P, P, RW, F);
  EXPECT_EQ(space->map_count(), 2u);
  // Read-only memory is read: present, no anon_vma. MAP_NONBLOCK cancels MAP_POPULATE.
  map(T + 8 * P, P, PROT_READ, F | MAP_POPULATE);
  EXPECT_EQ(mapped(T + 8 * P, T + 9 * P).size(), 1u);
  EXPECT_EQ(space->vma_lookup(T + 8 * P)->anon_vma, 0u);
  map(T + 10 * P, P, RW, F | MAP_POPULATE | MAP_NONBLOCK);
  EXPECT_EQ(mapped(T + 10 * P, T + 11 * P).size(), 0u);
  // PROT_NONE is skipped.
  map(T + 12 * P, P, PROT_NONE, F | MAP_POPULATE);
  EXPECT_EQ(mapped(T + 12 * P, T + 13 * P).size(), 0u);
  check();
}

}  // namespace
