// The shared zero page (Linux 6.12 mm/memory.c do_anonymous_page, do_wp_page, wp_page_copy): a
// read or exec fault of private anonymous memory maps it read-only without taking a page or an
// anon_vma, a write copies it into a page of its own and assigns the anon_vma then; mprotect,
// mremap, MADV_DONTNEED, munmap and mincore treat its translations as Linux treats the zero
// page's ptes, and the page-table check accepts them.

#include "host-tests/fake_mmu.h"
#include "kernel/mm/page_table_check.h"

namespace {

using AddressSpaceZeroPage = AddressSpaceTest;

constexpr uint64_t A = 0x40000000;

const Vma& vma_at(const AddressSpace& space, uint64_t addr) { return *space.vma_lookup(addr); }

TEST_F(AddressSpaceZeroPage, ReadFaultsMapTheZeroPageReadOnlyAndTakeNoPage) {
  map(A, 64 * P, RW, ANON | MAP_FIXED);
  for (uint64_t i = 0; i < 64; i++) touch(A + i * P, FaultAccess::Read);
  EXPECT_TRUE(pages.live.empty());
  const auto table = mapped(A, A + 64 * P);
  ASSERT_EQ(table.size(), 64u);
  for (const auto& [va, pte] : table) {
    EXPECT_EQ(pte.pa, pages.zero_page()) << std::hex << va;
    EXPECT_EQ(pte.flags, VM_READ) << std::hex << va;
  }
  EXPECT_EQ(vma_at(*space, A).anon_vma, 0u);
  const PageTableCheck checked = check_page_tables(*space, mmu.ops());
  EXPECT_TRUE(checked.ok()) << checked.problem;
}

TEST_F(AddressSpaceZeroPage, WriteAfterReadCopiesIntoAPrivatePage) {
  map(A, 2 * P, RW, ANON | MAP_FIXED);
  touch(A, FaultAccess::Read);
  touch(A + P, FaultAccess::Read);
  EXPECT_EQ(bytes_at(A)[17], 0u);
  mmu.calls.clear();
  touch(A + 17, FaultAccess::Write);
  EXPECT_EQ(mmu.calls, (std::vector<MmuCall>{{"remap", A, A + P}}));
  ASSERT_EQ(pages.live.size(), 1u);
  EXPECT_EQ(mmu.pages.at(A).pa, *pages.live.begin());
  EXPECT_EQ(mmu.pages.at(A).flags, VM_READ | VM_WRITE);
  EXPECT_NE(vma_at(*space, A).anon_vma, 0u);
  bytes_at(A)[17] = 0x5a;
  // The neighbour still reads the zero page.
  EXPECT_EQ(mmu.pages.at(A + P).pa, pages.zero_page());
  EXPECT_EQ(bytes_at(A + P)[17], 0u);
  EXPECT_EQ(bytes_at(A)[17], 0x5a);
  // A second write is a spurious fault: nothing changes.
  mmu.calls.clear();
  touch(A, FaultAccess::Write);
  EXPECT_TRUE(mmu.calls.empty());
  EXPECT_EQ(pages.live.size(), 1u);
}

TEST_F(AddressSpaceZeroPage, CopyOutOfMemoryKeepsTheZeroPage) {
  map(A, P, RW, ANON | MAP_FIXED);
  touch(A, FaultAccess::Read);
  pages.budget = 0;
  EXPECT_EQ(error_of(space->handle_fault(A, FaultAccess::Write)), Error::NoMemory);
  pages.budget = -1;
  EXPECT_EQ(mmu.pages.at(A), (FakePte{pages.zero_page(), VM_READ}));
  EXPECT_EQ(vma_at(*space, A).anon_vma, 0u);
}

TEST_F(AddressSpaceZeroPage, ExecAndMteFaultsMapItWithTheirBits) {
  map(A, P, PROT_READ | PROT_EXEC, ANON | MAP_FIXED);
  touch(A, FaultAccess::Exec);
  EXPECT_EQ(mmu.pages.at(A), (FakePte{pages.zero_page(), VM_READ | VM_EXEC}));
  AddressSpaceLayout layout = default_layout();
  layout.mte = true;
  space.reset();
  make_space(layout);
  map(A, P, RW | PROT_MTE, ANON | MAP_FIXED);
  touch(A, FaultAccess::Read);
  EXPECT_EQ(mmu.pages.at(A), (FakePte{pages.zero_page(), VM_READ | VM_MTE}));
  touch(A, FaultAccess::Write);
  EXPECT_EQ(mmu.pages.at(A).flags, VM_READ | VM_WRITE | VM_MTE);
  EXPECT_NE(mmu.pages.at(A).pa, pages.zero_page());
}

// PROT_WRITE alone: write implies read, so the zero page is readable there (a translation with
// no access would fault again at once, for ever).
TEST_F(AddressSpaceZeroPage, WriteOnlyMemoryReadsIt) {
  map(A, P, PROT_WRITE, ANON | MAP_FIXED);
  touch(A, FaultAccess::Read);
  EXPECT_EQ(mmu.pages.at(A), (FakePte{pages.zero_page(), VM_READ}));
  EXPECT_TRUE(check_page_tables(*space, mmu.ops()).ok());
  ASSERT_TRUE(space->mprotect(A, P, PROT_WRITE | PROT_EXEC).is_ok());
  EXPECT_EQ(mmu.pages.at(A), (FakePte{pages.zero_page(), VM_READ | VM_EXEC}));
  touch(A, FaultAccess::Write);
  EXPECT_EQ(mmu.pages.at(A).flags, VM_WRITE | VM_EXEC);
  EXPECT_NE(mmu.pages.at(A).pa, pages.zero_page());
}

TEST_F(AddressSpaceZeroPage, SharedAndFileMemoryKeepTheirOwnPages) {
  map(A, P, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED);
  touch(A, FaultAccess::Read);
  EXPECT_NE(mmu.pages.at(A).pa, pages.zero_page());
  EXPECT_EQ(mmu.pages.at(A).flags, VM_READ | VM_WRITE);
  static uint8_t bytes[P] = {1};
  const VmFile file{"/f", P, 8, 1, 3, bytes};
  ASSERT_TRUE(space->mmap(A + 2 * P, P, RW, MAP_PRIVATE | MAP_FIXED, &file, 0).is_ok());
  touch(A + 2 * P, FaultAccess::Read);
  EXPECT_NE(mmu.pages.at(A + 2 * P).pa, pages.zero_page());
  EXPECT_EQ(bytes_at(A + 2 * P)[0], 1u);
}

TEST_F(AddressSpaceZeroPage, MprotectToWriteLeavesItReadOnlyUntilTheWrite) {
  map(A, 4 * P, RW, ANON | MAP_FIXED);
  touch(A, FaultAccess::Write);
  touch(A + P, FaultAccess::Read);
  touch(A + 3 * P, FaultAccess::Read);
  ASSERT_TRUE(space->mprotect(A, 4 * P, PROT_READ).is_ok());
  ASSERT_TRUE(space->mprotect(A, 4 * P, RW).is_ok());
  EXPECT_EQ(mmu.pages.at(A).flags, VM_READ | VM_WRITE);  // an exclusive anonymous page
  EXPECT_EQ(mmu.pages.at(A + P), (FakePte{pages.zero_page(), VM_READ}));
  EXPECT_EQ(mmu.pages.at(A + 3 * P), (FakePte{pages.zero_page(), VM_READ}));
  EXPECT_TRUE(check_page_tables(*space, mmu.ops()).ok());
  touch(A + P, FaultAccess::Write);
  EXPECT_EQ(mmu.pages.at(A + P).flags, VM_READ | VM_WRITE);
  EXPECT_EQ(pages.live.size(), 2u);
}

TEST_F(AddressSpaceZeroPage, ProtectRunsCoverMoreThanABatch) {
  // Zero and own pages alternating past MmuBatch::CAPACITY translations.
  constexpr uint64_t N = 80;
  map(A, N * P, RW, ANON | MAP_FIXED);
  for (uint64_t i = 0; i < N; i++)
    touch(A + i * P, i % 3 == 0 ? FaultAccess::Write : FaultAccess::Read);
  ASSERT_TRUE(space->mprotect(A, N * P, PROT_READ).is_ok());
  ASSERT_TRUE(space->mprotect(A, N * P, RW).is_ok());
  for (uint64_t i = 0; i < N; i++) {
    EXPECT_EQ(mmu.pages.at(A + i * P).flags, i % 3 == 0 ? VM_READ | VM_WRITE : VM_READ) << i;
  }
}

TEST_F(AddressSpaceZeroPage, MremapMovesItReadOnly) {
  map(A, 2 * P, RW, ANON | MAP_FIXED);
  touch(A, FaultAccess::Read);
  touch(A + P, FaultAccess::Write);
  const uint64_t to = A + 16 * P;
  ASSERT_EQ(space->mremap(A, 2 * P, 2 * P, MREMAP_MAYMOVE | MREMAP_FIXED, to).value(), to);
  EXPECT_EQ(mmu.pages.at(to), (FakePte{pages.zero_page(), VM_READ}));
  EXPECT_EQ(mmu.pages.at(to + P).flags, VM_READ | VM_WRITE);
  touch(to, FaultAccess::Write);
  EXPECT_EQ(mmu.pages.at(to).flags, VM_READ | VM_WRITE);
  EXPECT_EQ(pages.live.size(), 2u);
}

TEST_F(AddressSpaceZeroPage, DontneedAndMunmapDropItWithoutFreeing) {
  map(A, 3 * P, RW, ANON | MAP_FIXED);
  for (uint64_t i = 0; i < 3; i++) touch(A + i * P, FaultAccess::Read);
  uint8_t vec[3] = {9, 9, 9};
  ASSERT_EQ(space->mincore(A, 3 * P, vec, 3).value(), 3u);
  EXPECT_EQ(vec[0] + vec[1] + vec[2], 3);  // a zero-page entry is present
  // The fake page source aborts when the zero page is freed.
  ASSERT_TRUE(space->madvise(A, P, MADV_DONTNEED).is_ok());
  EXPECT_EQ(mmu.pages.count(A), 0u);
  ASSERT_TRUE(space->munmap(A + P, P).is_ok());
  EXPECT_EQ(mmu.pages.count(A + P), 0u);
  touch(A, FaultAccess::Read);
  EXPECT_EQ(mmu.pages.at(A).pa, pages.zero_page());
}

// The merges of class 1: read faults assign no anon_vma, so the page mapped between two read
// mappings merges with both; once each was written (copying the zero page) it merges with one.
TEST_F(AddressSpaceZeroPage, MergesAfterReadsAndAfterWritesToReadPages) {
  map(A, P, RW, ANON | MAP_FIXED);
  map(A + 2 * P, P, RW, ANON | MAP_FIXED);
  touch(A, FaultAccess::Read);
  touch(A + 2 * P, FaultAccess::Read);
  map(A + P, P, RW, ANON | MAP_FIXED);
  EXPECT_EQ(vmas().size(), 1u);

  const uint64_t B = A + 16 * P;
  map(B, P, RW, ANON | MAP_FIXED);
  map(B + 2 * P, P, RW, ANON | MAP_FIXED);
  touch(B, FaultAccess::Read);
  touch(B + 2 * P, FaultAccess::Read);
  touch(B, FaultAccess::Write);
  touch(B + 2 * P, FaultAccess::Write);
  map(B + P, P, RW, ANON | MAP_FIXED);
  const std::vector<VmaView> got = vmas();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1].start, B);
  EXPECT_EQ(got[1].end, B + 2 * P);
  EXPECT_EQ(got[2].start, B + 2 * P);
}

}  // namespace
