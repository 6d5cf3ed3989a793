// mremap that keeps the source (Linux 6.12 mm/mremap.c): MREMAP_DONTUNMAP moves the pages and
// leaves the old VMA in place, empty; old_len 0 duplicates a shared mapping. And shared
// anonymous memory as the shmem file Linux makes of it (mm/shmem.c shmem_zero_setup), named
// "/dev/zero (deleted)" in /proc/PID/maps.

#include "host-tests/fake_mmu.h"

namespace {

class AddressSpaceMremapKeep : public AddressSpaceTest {
 protected:
  static constexpr uint64_t T = 0x40000000;
  static constexpr int F = ANON | MAP_FIXED;
  static constexpr int SHARED_F = MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED;
  static constexpr VmFlags RW_ = VM_READ | VM_WRITE | MAY | VM_ACCOUNT;
  static constexpr int KEEP = MREMAP_DONTUNMAP | MREMAP_MAYMOVE;
};

TEST_F(AddressSpaceMremapKeep, DontunmapNeedsMaymoveAndEqualLengths) {
  map(T, 2 * P, RW, F);
  EXPECT_EQ(error_of(space->mremap(T, 2 * P, 2 * P, MREMAP_DONTUNMAP)), Error::Invalid);
  EXPECT_EQ(error_of(space->mremap(T, 2 * P, 3 * P, KEEP)), Error::Invalid);
  // Compared before rounding: 2p and 2p - 1 round to the same length but differ.
  EXPECT_EQ(error_of(space->mremap(T, 2 * P, 2 * P - 1, KEEP)), Error::Invalid);
  EXPECT_EQ(space->map_count(), 1u);
  check();
}

TEST_F(AddressSpaceMremapKeep, DontunmapMovesThePagesAndLeavesTheOldRangeEmpty) {
  map(T, 2 * P, RW, F);
  touch(T);
  bytes_at(T)[0] = 0x5a;
  const uint64_t moved = space->mremap(T, 2 * P, 2 * P, KEEP | MREMAP_FIXED, T + 10 * P).value();
  EXPECT_EQ(moved, T + 10 * P);
  // Both VMAs exist; the old one lost its anon_vma and, unfaulted again, has the offset of its
  // address.
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{T, T + 2 * P, RW_, T / P},
                                          {T + 10 * P, T + 12 * P, RW_, T / P}}));
  EXPECT_EQ(space->vma_lookup(T)->anon_vma, 0u);
  EXPECT_NE(space->vma_lookup(T + 10 * P)->anon_vma, 0u);
  EXPECT_EQ(bytes_at(T + 10 * P)[0], 0x5a);
  EXPECT_TRUE(mapped(T, T + 2 * P).empty());
  // A read of the old range gives zeros.
  touch(T, FaultAccess::Read);
  EXPECT_EQ(bytes_at(T)[0], 0u);
  check();
}

TEST_F(AddressSpaceMremapKeep, AnUntouchedSourceKeptByDontunmapDoesNotMergeWithItsCopy) {
  map(T, 2 * P, RW, F);
  ASSERT_EQ(space->mremap(T, 2 * P, 2 * P, KEEP | MREMAP_FIXED, T + 2 * P).value(), T + 2 * P);
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{T, T + 2 * P, RW_, T / P},
                                          {T + 2 * P, T + 4 * P, RW_, T / P + 2}}));
  check();
}

TEST_F(AddressSpaceMremapKeep, DontunmapOfPartOfAVmaKeepsItWholeAndUnlocksALockedOne) {
  map(T, 4 * P, RW, F | MAP_LOCKED_GENERIC);
  ASSERT_TRUE(space->mremap(T + P, P, P, KEEP | MREMAP_FIXED, T + 10 * P).is_ok());
  // Linux splits a locked source so that only the old range loses VM_LOCKED.
  const VmFlags locked = RW_ | VM_LOCKED;
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{T, T + P, locked, T / P},
                                          {T + P, T + 2 * P, RW_, T / P + 1},
                                          {T + 2 * P, T + 4 * P, locked, T / P + 2},
                                          {T + 10 * P, T + 11 * P, locked, T / P + 1}}));
  check();
  make_space(default_layout());
  map(T, 4 * P, RW, F);
  touch(T + P);
  ASSERT_TRUE(space->mremap(T + P, P, P, KEEP, 0).is_ok());
  EXPECT_EQ(space->vma_lookup(T)->vm_end, T + 4 * P);
  EXPECT_NE(space->vma_lookup(T)->anon_vma, 0u);
  EXPECT_TRUE(mapped(T, T + 4 * P).empty());
  check();
}

TEST_F(AddressSpaceMremapKeep, SharedAnonymousMemoryIsADeletedDevZeroFile) {
  map(T, 3 * P, RW, SHARED_F);
  map(T + 3 * P, P, RW, SHARED_F);
  const uint64_t first = space->vma_lookup(T)->shmem_inode;
  const uint64_t second = space->vma_lookup(T + 3 * P)->shmem_inode;
  EXPECT_NE(first, 0u);
  EXPECT_NE(first, second);
  // Split halves keep the file (offsets into it) and merge back; separate mappings never do.
  ASSERT_TRUE(space->mprotect(T + P, P, PROT_READ).is_ok());
  // seq_pad(): the name starts in column 74.
  auto line = [](const char* range, const char* prot, uint64_t offset, uint64_t inode) {
    char prefix[128];
    snprintf(prefix, sizeof(prefix), "%s %s %08llx 00:01 %llu", range, prot,
             static_cast<unsigned long long>(offset), static_cast<unsigned long long>(inode));
    std::string text = prefix;
    text.resize(73, ' ');
    return text + "/dev/zero (deleted)\n";
  };
  const std::string expected = line("40000000-40001000", "rw-s", 0, first) +
                               line("40001000-40002000", "r--s", P, first) +
                               line("40002000-40003000", "rw-s", 2 * P, first) +
                               line("40003000-40004000", "rw-s", 0, second);
  EXPECT_EQ(maps(), expected);
  ASSERT_TRUE(space->mprotect(T + P, P, RW).is_ok());
  EXPECT_EQ(space->map_count(), 2u);
  check();
}

TEST_F(AddressSpaceMremapKeep, OldLenZeroDuplicatesASharedMapping) {
  map(T, 2 * P, RW, SHARED_F);
  const uint64_t ino = space->vma_lookup(T)->shmem_inode;
  const uint64_t copy = space->mremap(T + P, 0, 2 * P, MREMAP_MAYMOVE).value();
  EXPECT_NE(copy, T);
  // The copy maps the same file from the same offset; the original stays.
  EXPECT_EQ(space->vma_lookup(T)->vm_end, T + 2 * P);
  EXPECT_EQ(space->vma_lookup(copy)->shmem_inode, ino);
  EXPECT_EQ(space->vma_lookup(copy)->vm_pgoff, 1u);
  EXPECT_EQ(space->vma_lookup(copy)->vm_end, copy + 2 * P);
  // Without MREMAP_MAYMOVE there is no room in place.
  EXPECT_EQ(error_of(space->mremap(T, 0, P, 0)), Error::NoMemory);
  check();
}

TEST_F(AddressSpaceMremapKeep, OldLenZeroErrors) {
  map(T, 2 * P, RW, F);
  map(T + 10 * P, P, RW, F);
  // A private mapping cannot be duplicated, and MREMAP_FIXED has unmapped the target first.
  EXPECT_EQ(error_of(space->mremap(T, 0, P, MREMAP_MAYMOVE | MREMAP_FIXED, T + 10 * P)),
            Error::Invalid);
  EXPECT_EQ(space->vma_lookup(T + 10 * P), nullptr);
  EXPECT_EQ(error_of(space->mremap(T, 0, P, MREMAP_MAYMOVE)), Error::Invalid);
  // A target at the source itself unmaps it: then nothing is found there.
  map(T + 20 * P, 2 * P, RW, SHARED_F);
  EXPECT_EQ(error_of(space->mremap(T + 20 * P, 0, P, MREMAP_MAYMOVE | MREMAP_FIXED, T + 20 * P)),
            Error::Fault);
  EXPECT_EQ(space->vma_lookup(T + 20 * P), nullptr);
  EXPECT_NE(space->vma_lookup(T + 21 * P), nullptr);
  check();
}

}  // namespace
