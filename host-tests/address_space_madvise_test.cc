// madvise(MADV_DONTNEED) and mincore (Linux's mm/madvise.c and mm/mincore.c, v6.12): dropped
// pages are freed and read back as zeros (or the file's bytes), holes give ENOMEM after the rest
// is processed, shared and special pages stay or come back; mincore's residency bytes, its
// stop at a hole, and its errors.

#include <cstring>

#include "host-tests/fake_mmu.h"

namespace {

constexpr uint64_t A = 0x40000000;
constexpr int FIXED = ANON | MAP_FIXED;

class AddressSpaceMadvise : public AddressSpaceTest {
 protected:
  std::optional<Error> madvise_error(uint64_t start, uint64_t len, int advice = MADV_DONTNEED) {
    return error_of(space->madvise(start, len, advice));
  }
  // mincore into a buffer of `capacity` bytes plus a marker byte; returns the bytes written as a
  // string of '0'/'1', or the error's name.
  std::string residency(uint64_t start, uint64_t len, uint64_t capacity = 64) {
    std::vector<uint8_t> vec(capacity + 1, 0xee);
    Result<uint64_t> n = space->mincore(start, len, vec.data(), capacity);
    if (n.is_error()) return error_name(n.error());
    std::string out;
    for (uint64_t i = 0; i < n.value(); i++) out += static_cast<char>('0' + vec[i]);
    EXPECT_EQ(vec[n.value()], 0xee);  // nothing written past what the count says
    return out;
  }
};

TEST_F(AddressSpaceMadvise, DontneedDropsPagesAndTheyReadBackAsZeros) {
  map(A, 4 * P, RW, FIXED);
  for (uint64_t i = 0; i < 4; i++) {
    touch(A + i * P);
    std::memset(bytes_at(A + i * P), 0x5a, P);
  }
  ASSERT_TRUE(space->madvise(A + P, 2 * P - 100, MADV_DONTNEED).is_ok());
  EXPECT_EQ(mmu.pages.size(), 2u);
  EXPECT_EQ(pages.live.size(), 2u);
  EXPECT_TRUE(mmu.pages.count(A) && mmu.pages.count(A + 3 * P));
  EXPECT_EQ(bytes_at(A)[0], 0x5a);
  touch(A + 2 * P, FaultAccess::Read);
  for (uint64_t i = 0; i < P; i++) ASSERT_EQ(bytes_at(A + 2 * P)[i], 0u);
  // The VMAs are untouched.
  EXPECT_EQ(vmas(),
            (std::vector<VmaView>{{A, A + 4 * P, VM_READ | VM_WRITE | MAY | VM_ACCOUNT, A / P}}));
  check();
}

TEST_F(AddressSpaceMadvise, ArgumentErrors) {
  map(A, P, RW, FIXED);
  touch(A);
  EXPECT_EQ(madvise_error(A, P, 8), Error::Invalid);  // MADV_FREE is not supported
  EXPECT_EQ(madvise_error(A, P, -1), Error::Invalid);
  EXPECT_EQ(madvise_error(A + 8, P), Error::Invalid);
  EXPECT_EQ(madvise_error(A, kstd::U64_MAX - 10), Error::Invalid);             // rounds up to 0
  EXPECT_EQ(madvise_error(kstd::U64_MAX & PAGE_MASK, 2 * P), Error::Invalid);  // wraps
  EXPECT_EQ(madvise_error(A, 0), std::nullopt);
  EXPECT_EQ(mmu.pages.size(), 1u);
  EXPECT_EQ(madvise_error(A, P, MADV_DONTNEED_LOCKED), std::nullopt);
  EXPECT_TRUE(mmu.pages.empty());
}

TEST_F(AddressSpaceMadvise, FlagAdviceSplitsAndMergesLikeMprotect) {
  // Private writable memory is accounted (VM_ACCOUNT), as Linux accounts it.
  constexpr VmFlags RW_ = VM_READ | VM_WRITE | MAY | VM_ACCOUNT;
  map(A, 4 * P, RW, FIXED);
  touch(A);
  ASSERT_TRUE(space->madvise(A, 4 * P, MADV_RANDOM).is_ok());
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{A, A + 4 * P, RW_ | VM_RAND_READ, A / P}}));
  ASSERT_TRUE(space->madvise(A + P, P, MADV_SEQUENTIAL).is_ok());
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{A, A + P, RW_ | VM_RAND_READ, A / P},
                                          {A + P, A + 2 * P, RW_ | VM_SEQ_READ, A / P + 1},
                                          {A + 2 * P, A + 4 * P, RW_ | VM_RAND_READ, A / P + 2}}));
  // DONTFORK then DOFORK leaves the flags as they were: no further split, the piece unchanged.
  ASSERT_TRUE(space->madvise(A + P, P, MADV_DONTFORK).is_ok());
  EXPECT_EQ(vmas()[1].flags, RW_ | VM_SEQ_READ | VM_DONTCOPY);
  ASSERT_TRUE(space->madvise(A + P, P, MADV_DOFORK).is_ok());
  // The piece matches its neighbours again: one VMA.
  ASSERT_TRUE(space->madvise(A + P, P, MADV_RANDOM).is_ok());
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{A, A + 4 * P, RW_ | VM_RAND_READ, A / P}}));
  ASSERT_TRUE(space->madvise(A, 4 * P, MADV_NORMAL).is_ok());
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{A, A + 4 * P, RW_, A / P}}));
  // WILLNEED changes nothing; a hole is ENOMEM after the rest was advised.
  ASSERT_TRUE(space->madvise(A, 4 * P, MADV_WILLNEED).is_ok());
  map(A + 6 * P, P, RW, FIXED);
  EXPECT_EQ(madvise_error(A + 3 * P, 4 * P, MADV_SEQUENTIAL), Error::NoMemory);
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{A, A + 3 * P, RW_, A / P},
                                          {A + 3 * P, A + 4 * P, RW_ | VM_SEQ_READ, A / P + 3},
                                          {A + 6 * P, A + 7 * P, RW_ | VM_SEQ_READ, A / P + 6}}));
  EXPECT_EQ(madvise_error(A + 3 * P, 4 * P, MADV_WILLNEED), Error::NoMemory);
  check();
}

TEST_F(AddressSpaceMadvise, HolesAreEnomemAfterTheWholeRangeIsProcessed) {
  map(A, P, RW, FIXED);
  map(A + 2 * P, P, PROT_READ, FIXED);
  touch(A);
  touch(A + 2 * P, FaultAccess::Read);
  EXPECT_EQ(madvise_error(A, 3 * P), Error::NoMemory);
  EXPECT_TRUE(mmu.pages.empty());
  // Nothing mapped after a processed VMA up to the end of the range: ENOMEM too.
  touch(A + 2 * P, FaultAccess::Read);
  EXPECT_EQ(madvise_error(A + 2 * P, 10 * P), Error::NoMemory);
  EXPECT_TRUE(mmu.pages.empty());
  // A range wholly in a hole.
  EXPECT_EQ(madvise_error(A + P, P), Error::NoMemory);
  EXPECT_EQ(madvise_error(A + 8 * P, P), Error::NoMemory);
}

TEST_F(AddressSpaceMadvise, SharedAnonymousPagesStayInTheirObject) {
  const uint64_t shared = map(A, 2 * P, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED);
  touch(shared);
  bytes_at(shared)[7] = 42;
  EXPECT_EQ(madvise_error(shared, 2 * P), std::nullopt);
  EXPECT_TRUE(mmu.pages.empty());
  EXPECT_EQ(residency(shared, 2 * P), "10");
  touch(shared, FaultAccess::Read);
  EXPECT_EQ(bytes_at(shared)[7], 42);
}

TEST_F(AddressSpaceMadvise, PrivateFilePagesReadTheFileAgain) {
  std::vector<uint8_t> data(2 * P, 0x33);
  const VmFile file{"/bin/x", 2 * P, 8, 1, 9, data.data()};
  ASSERT_TRUE(space->mmap(A, 2 * P, RW, MAP_PRIVATE | MAP_FIXED, &file, 0).is_ok());
  touch(A + P);
  bytes_at(A + P)[0] = 1;
  EXPECT_EQ(madvise_error(A, 2 * P), std::nullopt);
  EXPECT_TRUE(mmu.pages.empty());
  touch(A + P, FaultAccess::Read);
  EXPECT_EQ(bytes_at(A + P)[0], 0x33);
  EXPECT_EQ(data[P], 0x33);
}

TEST_F(AddressSpaceMadvise, SpecialPagesAreUnmappedNotFreedAndPfnmapRefuses) {
  alignas(4096) static unsigned char vdso_page[4096];
  const uint64_t vdso_pages[] = {reinterpret_cast<uint64_t>(vdso_page)};
  SpecialMapping vdso;
  vdso.name = "[vdso]";
  vdso.pages = vdso_pages;
  vdso.page_count = 1;
  ASSERT_TRUE(space->install_special_mapping(A, P, VM_READ | VM_EXEC, vdso).is_ok());
  // mincore calls a special mapping's pages resident, faulted in or not.
  EXPECT_EQ(residency(A, P), "1");
  touch(A, FaultAccess::Exec);
  EXPECT_EQ(madvise_error(A, P), std::nullopt);
  EXPECT_TRUE(mmu.pages.empty());
  touch(A, FaultAccess::Exec);
  EXPECT_EQ(mmu.pages.at(A).pa, vdso_pages[0]);
  EXPECT_EQ(residency(A, P), "1");
  // VM_PFNMAP is refused, after the VMAs before it were processed.
  SpecialMapping io;
  io.name = "[io]";
  io.pages = vdso_pages;
  io.page_count = 1;
  map(A + 4 * P, P, RW, FIXED);
  touch(A + 4 * P);
  ASSERT_TRUE(space->install_special_mapping(A + 5 * P, P, VM_READ | VM_PFNMAP, io).is_ok());
  touch(A + 5 * P, FaultAccess::Read);
  EXPECT_EQ(madvise_error(A + 4 * P, 2 * P), Error::Invalid);
  EXPECT_FALSE(mmu.pages.count(A + 4 * P));
  EXPECT_TRUE(mmu.pages.count(A + 5 * P));
  ASSERT_TRUE(space->munmap(A, 6 * P).is_ok());
}

TEST_F(AddressSpaceMadvise, MincoreReportsPresentPages) {
  map(A, 6 * P, RW, FIXED);
  touch(A + P);
  touch(A + 4 * P);
  EXPECT_EQ(residency(A, 6 * P), "010010");
  EXPECT_EQ(residency(A + P, P + 1), "10");  // a partial page counts
  EXPECT_EQ(residency(A, 6 * P, 3), "010");  // the capacity bounds a chunk
  EXPECT_EQ(residency(A, 0), "");
  EXPECT_EQ(residency(A, 6 * P, 0), "");
  ASSERT_TRUE(space->madvise(A, 6 * P, MADV_DONTNEED).is_ok());
  EXPECT_EQ(residency(A, 6 * P), "000000");
}

TEST_F(AddressSpaceMadvise, MincoreStopsAtAHoleAndTheNextChunkFails) {
  map(A, 2 * P, RW, FIXED);
  map(A + 2 * P, P, PROT_READ, FIXED);  // a second VMA right after: no stop there
  map(A + 4 * P, P, RW, FIXED);
  touch(A + 2 * P, FaultAccess::Read);
  EXPECT_EQ(residency(A, 5 * P), "001");
  EXPECT_EQ(residency(A + 3 * P, 2 * P), "ENOMEM");
  EXPECT_EQ(residency(A - P, P), "ENOMEM");
}

TEST_F(AddressSpaceMadvise, MincoreErrors) {
  map(A, P, RW, FIXED);
  EXPECT_EQ(residency(A + 1, P), "EINVAL");
  EXPECT_EQ(residency(A, TASK_SIZE), "ENOMEM");  // past the user address space
  EXPECT_EQ(residency(TASK_SIZE, 0), "");
  EXPECT_EQ(residency(TASK_SIZE, P), "ENOMEM");
}

TEST_F(AddressSpaceMadvise, MincoreCountsFilePagesWithinTheFileAsResident) {
  const VmFile file{"/lib/a", 3 * P + 5, 8, 1, 9};
  ASSERT_TRUE(space->mmap(A, 6 * P, PROT_READ, MAP_PRIVATE | MAP_FIXED, &file, P).is_ok());
  // Offsets 1..6: the file spans pages 0..3.
  EXPECT_EQ(residency(A, 6 * P), "111000");
}

// madvise_cold and madvise_pageout (can_madv_lru_vma): without swap only droppable pages can
// go, and MADV_PAGEOUT drops them; other memory keeps its data; locked memory refuses both.
TEST_F(AddressSpaceMadvise, PageoutDropsOnlyDroppablePages) {
  ASSERT_EQ(space->mmap(A, 2 * P, RW, MAP_DROPPABLE | MAP_ANONYMOUS | MAP_FIXED).value(), A);
  map(A + 4 * P, P, RW, FIXED);
  for (uint64_t a : {A, A + P, A + 4 * P}) {
    touch(a);
    std::memset(bytes_at(a), 0x5a, P);
  }
  EXPECT_EQ(madvise_error(A, 2 * P, MADV_COLD), std::nullopt);
  EXPECT_EQ(mmu.pages.size(), 3u);
  EXPECT_EQ(madvise_error(A, 5 * P, MADV_PAGEOUT), Error::NoMemory);  // the hole, at the end
  EXPECT_EQ(mmu.pages.size(), 1u);
  EXPECT_EQ(bytes_at(A + 4 * P)[0], 0x5a);
  touch(A + P, FaultAccess::Read);
  for (uint64_t i = 0; i < P; i++) ASSERT_EQ(bytes_at(A + P)[i], 0u);
  map(A + 8 * P, P, RW, FIXED | MAP_LOCKED_GENERIC);
  EXPECT_EQ(madvise_error(A + 8 * P, P, MADV_COLD), Error::Invalid);
  EXPECT_EQ(madvise_error(A + 8 * P, P, MADV_PAGEOUT), Error::Invalid);
  check();
}

}  // namespace
