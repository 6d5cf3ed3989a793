// Shared anonymous memory shares its pages: every VMA of one shmem object maps the same page for
// the same object page index (Linux's shmem page cache, mm/shmem.c), through mremap duplicates,
// moves, MREMAP_DONTUNMAP, splits and MADV_DONTNEED, and the object's pages go back to the page
// source with its last VMA.

#include "host-tests/fake_mmu.h"

namespace {

class AddressSpaceShmem : public AddressSpaceTest {
 protected:
  static constexpr uint64_t T = 0x40000000;
  static constexpr int SHARED_F = MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED;
};

TEST_F(AddressSpaceShmem, ADuplicateReadsAndWritesTheOriginalsPages) {
  map(T, 2 * P, RW, SHARED_F);
  touch(T + P);
  bytes_at(T + P)[3] = 0x5a;
  const uint64_t copy = space->mremap(T + P, 0, P, MREMAP_MAYMOVE).value();
  touch(copy, FaultAccess::Read);
  EXPECT_EQ(mmu.pages.at(copy).pa, mmu.pages.at(T + P).pa);
  EXPECT_EQ(bytes_at(copy)[3], 0x5a);
  bytes_at(copy)[4] = 0x6b;
  EXPECT_EQ(bytes_at(T + P)[4], 0x6b);
  check();
}

TEST_F(AddressSpaceShmem, TheObjectLivesUntilItsLastVmaGoes) {
  map(T, P, RW, SHARED_F);
  touch(T);
  bytes_at(T)[0] = 7;
  const uint64_t copy = space->mremap(T, 0, P, MREMAP_MAYMOVE).value();
  ASSERT_TRUE(space->munmap(T, P).is_ok());
  EXPECT_EQ(pages.live.size(), 1u + 1u);  // the data page and one table node
  touch(copy, FaultAccess::Read);
  EXPECT_EQ(bytes_at(copy)[0], 7);
  ASSERT_TRUE(space->munmap(copy, P).is_ok());
  EXPECT_TRUE(pages.live.empty());
  check();
}

// The first page of an object needs a table node and the page: when only the node can be had,
// the fault fails and keeps neither, so nothing is left once the mapping goes.
TEST_F(AddressSpaceShmem, AFaultWithoutMemoryForThePageKeepsNoTableNode) {
  map(T, P, RW, SHARED_F);
  pages.budget = 1;
  Result<FaultVerdict> failed = space->handle_fault(T, FaultAccess::Write);
  pages.budget = -1;
  ASSERT_TRUE(failed.is_error());
  EXPECT_EQ(failed.error(), Error::NoMemory);
  EXPECT_TRUE(pages.live.empty());
  EXPECT_TRUE(mmu.pages.empty());
  touch(T);
  EXPECT_EQ(pages.live.size(), 1u + 1u);  // the data page and one table node
  ASSERT_TRUE(space->munmap(T, P).is_ok());
  EXPECT_TRUE(pages.live.empty());
  check();
}

TEST_F(AddressSpaceShmem, SeparateMappingsDoNotShare) {
  map(T, P, RW, SHARED_F);
  map(T + 4 * P, P, RW, SHARED_F);
  touch(T);
  touch(T + 4 * P);
  EXPECT_NE(mmu.pages.at(T).pa, mmu.pages.at(T + 4 * P).pa);
  check();
}

TEST_F(AddressSpaceShmem, AMovedMappingAndItsDuplicateShare) {
  map(T, 2 * P, RW, SHARED_F);
  touch(T + P);
  bytes_at(T + P)[0] = 9;
  ASSERT_EQ(space->mremap(T, 2 * P, 2 * P, MREMAP_MAYMOVE | MREMAP_FIXED, T + 10 * P).value(),
            T + 10 * P);
  EXPECT_EQ(bytes_at(T + 11 * P)[0], 9);
  const uint64_t copy = space->mremap(T + 11 * P, 0, P, MREMAP_MAYMOVE).value();
  touch(copy, FaultAccess::Read);
  EXPECT_EQ(mmu.pages.at(copy).pa, mmu.pages.at(T + 11 * P).pa);
  check();
}

TEST_F(AddressSpaceShmem, DontunmapLeavesTheOldRangeOnTheSamePages) {
  map(T, P, RW, SHARED_F);
  touch(T);
  bytes_at(T)[0] = 0x21;
  const int keep = MREMAP_DONTUNMAP | MREMAP_MAYMOVE | MREMAP_FIXED;
  ASSERT_EQ(space->mremap(T, P, P, keep, T + 10 * P).value(), T + 10 * P);
  EXPECT_TRUE(mapped(T, T + P).empty());
  touch(T, FaultAccess::Read);
  EXPECT_EQ(mmu.pages.at(T).pa, mmu.pages.at(T + 10 * P).pa);
  EXPECT_EQ(bytes_at(T)[0], 0x21);
  check();
}

TEST_F(AddressSpaceShmem, SplitPiecesKeepTheirIndices) {
  map(T, 3 * P, RW, SHARED_F);
  touch(T + 2 * P);
  bytes_at(T + 2 * P)[0] = 0x42;
  // Unmapping the middle leaves two VMAs of one object; the upper one still has index 2.
  ASSERT_TRUE(space->munmap(T + P, P).is_ok());
  const uint64_t copy = space->mremap(T, 0, 3 * P, MREMAP_MAYMOVE).value();
  touch(copy + 2 * P, FaultAccess::Read);
  EXPECT_EQ(mmu.pages.at(copy + 2 * P).pa, mmu.pages.at(T + 2 * P).pa);
  EXPECT_EQ(bytes_at(copy + 2 * P)[0], 0x42);
  check();
}

TEST_F(AddressSpaceShmem, DontneedDropsOnlyTheTranslation) {
  map(T, 2 * P, RW, SHARED_F);
  touch(T);
  bytes_at(T)[7] = 42;
  ASSERT_TRUE(space->madvise(T, 2 * P, MADV_DONTNEED).is_ok());
  EXPECT_TRUE(mapped(T, T + 2 * P).empty());
  // mincore counts the page the object holds, mapped or not.
  uint8_t vec[2] = {9, 9};
  ASSERT_EQ(space->mincore(T, 2 * P, vec, 2).value(), 2u);
  EXPECT_EQ(vec[0], 1);
  EXPECT_EQ(vec[1], 0);
  touch(T, FaultAccess::Read);
  EXPECT_EQ(bytes_at(T)[7], 42);
  check();
}

// The object is as long as the mmap that made it (shmem_zero_setup()): a mapping mremap grew,
// moved or in place, faults past it with SIGBUS (BUS_ADRERR), as a file mapping past the file's
// end, and mincore finds nothing there.
TEST_F(AddressSpaceShmem, AGrownMappingFaultsPastTheObjectsEnd) {
  map(T, 3 * P, RW, SHARED_F);
  ASSERT_EQ(space->mremap(T + 2 * P, P, 7 * P, MREMAP_MAYMOVE | MREMAP_FIXED, T + 10 * P).value(),
            T + 10 * P);
  touch(T + 10 * P);  // index 2, the object's last page
  for (const FaultAccess access : {FaultAccess::Read, FaultAccess::Write}) {
    const FaultVerdict past = fault(T + 11 * P, access);
    EXPECT_EQ(past.signal, FaultSignal::Bus);
    EXPECT_EQ(past.code, FaultCode::BusAdrErr);
  }
  EXPECT_TRUE(mapped(T + 11 * P, T + 17 * P).empty());
  uint8_t vec[2] = {9, 9};
  ASSERT_EQ(space->mincore(T + 10 * P, 2 * P, vec, 2).value(), 2u);
  EXPECT_EQ(vec[0], 1);
  EXPECT_EQ(vec[1], 0);

  map(T + 20 * P, P, RW, SHARED_F);
  ASSERT_EQ(space->mremap(T + 20 * P, P, 2 * P, 0).value(), T + 20 * P);
  touch(T + 20 * P);
  EXPECT_EQ(fault(T + 21 * P, FaultAccess::Read).signal, FaultSignal::Bus);
  check();
}

}  // namespace
