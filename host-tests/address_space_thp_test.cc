// THP alignment of anonymous mappings (Linux 6.12 mm/mmap.c __get_unmapped_area, mm/huge_memory.c
// thp_get_unmapped_area_vmflags): with CONFIG_TRANSPARENT_HUGEPAGE, private anonymous memory
// asked for without a hint, its length a multiple of the PMD size, is placed on a PMD boundary
// found by a search padded by one PMD, with a plain search when the padded one fails.

#include "host-tests/fake_mmu.h"

namespace {

class AddressSpaceThp : public AddressSpaceTest {
 protected:
  static constexpr uint64_t PMD = THP_PMD_SIZE;
  // mmap_base a PMD boundary plus 3 pages, as a randomised base usually is not aligned.
  static constexpr uint64_t BASE = 0x7f0000000000 + 3 * P;

  void make(bool thp, uint64_t base = BASE) {
    AddressSpaceLayout l = default_layout();
    l.mmap_base = base;
    l.thp = thp;
    make_space(l);
  }
};

TEST_F(AddressSpaceThp, APmdMultipleGoesOnAPmdBoundary) {
  make(true);
  // The padded search ends at mmap_base; the mapping sits at the PMD boundary inside it.
  EXPECT_EQ(map(0, PMD), BASE - 3 * P - PMD);
  EXPECT_EQ(map(0, 2 * PMD), BASE - 3 * P - 3 * PMD);
  check();
}

TEST_F(AddressSpaceThp, AnAlignedPaddedRangeTakesItsTopPmd) {
  make(true, 0x7f0000000000);
  // The padded range [base - 2 PMD, base) starts aligned: the mapping is its upper PMD.
  EXPECT_EQ(map(0, PMD), 0x7f0000000000 - PMD);
  check();
}

TEST_F(AddressSpaceThp, OtherMappingsArePlacedAsBefore) {
  make(true);
  // Not a PMD multiple, a hint, shared memory, a file: the plain top-down search.
  EXPECT_EQ(map(0, PMD + P), BASE - PMD - P);
  EXPECT_EQ(map(0x100000000, PMD), 0x100000000u);
  EXPECT_EQ(map(0, PMD, RW, MAP_SHARED | MAP_ANONYMOUS), BASE - 2 * PMD - P);
  uint8_t bytes[P] = {};
  VmFile file{"/f", P, 8, 1, 5, bytes};
  EXPECT_EQ(space->mmap(0, PMD, PROT_READ, MAP_PRIVATE, &file, 0).value(), BASE - 3 * PMD - P);
  check();
}

TEST_F(AddressSpaceThp, WithoutThpNothingIsAligned) {
  make(false);
  EXPECT_EQ(map(0, PMD), BASE - PMD);
  check();
}

TEST_F(AddressSpaceThp, APaddedSearchThatFailsFallsBackToThePlainOne) {
  // Room for exactly one PMD between mmap_min_addr and mmap_base, none for the padding.
  AddressSpaceLayout l = default_layout();
  l.mmap_min_addr = 0x10000;
  l.mmap_base = 0x10000 + PMD;
  l.unmapped_base = l.task_size - PMD;
  l.thp = true;
  make_space(l);
  // Bottom-up above unmapped_base has only PMD bytes too, so the padded search fails.
  EXPECT_EQ(map(0, PMD), 0x10000u);
  check();
}

TEST_F(AddressSpaceThp, MremapMovesAlignToo) {
  make(true);
  const uint64_t a = map(0x100000000, P);
  map(a + P, P, PROT_READ, ANON | MAP_FIXED);
  EXPECT_EQ(space->mremap(a, P, PMD, MREMAP_MAYMOVE).value(), BASE - 3 * P - PMD);
  check();
}

}  // namespace
