// mmap's map types and the flags it validates for them (do_mmap() and file_mmap_ok() of Linux
// 6.12's mm/mmap.c, ksys_mmap_pgoff() for MAP_HUGETLB).

#include "host-tests/fake_mmu.h"

namespace {

class AddressSpaceMmapType : public AddressSpaceTest {
 protected:
  static constexpr uint64_t T = 0x40000000;
  const VmFile file{"/f", 4 * P, 8, 1, 10, nullptr};
};

TEST_F(AddressSpaceMmapType, SharedValidateIsNoTypeForAnonymousMemory) {
  EXPECT_EQ(mmap_error(0, P, RW, MAP_SHARED_VALIDATE | MAP_ANONYMOUS), Error::Invalid);
  EXPECT_EQ(space->map_count(), 0u);
}

TEST_F(AddressSpaceMmapType, SharedValidateRefusesFlagsOutsideTheLegacyMask) {
  EXPECT_EQ(mmap_error(0, P, RW, MAP_SHARED_VALIDATE | MAP_SYNC, &file), Error::NotSupported);
  EXPECT_EQ(mmap_error(0, P, RW, MAP_SHARED_VALIDATE | 0x200000, &file), Error::NotSupported);
  // MAP_SHARED drops the unknown bits instead; legacy ones pass MAP_SHARED_VALIDATE.
  EXPECT_EQ(mmap_error(0, P, RW, MAP_SHARED | MAP_SYNC, &file), std::nullopt);
  EXPECT_EQ(mmap_error(0, P, RW, MAP_SHARED_VALIDATE | MAP_POPULATE | MAP_STACK, &file),
            std::nullopt);
  check();
}

TEST_F(AddressSpaceMmapType, PowerpcsLockedAndNoreserveBitsAreLegacyThere) {
  AddressSpaceLayout l = default_layout();
  l.map_locked = MAP_LOCKED_POWERPC;
  l.map_noreserve = MAP_NORESERVE_POWERPC;
  make_space(l);
  EXPECT_EQ(mmap_error(0, P, RW, MAP_SHARED_VALIDATE | MAP_NORESERVE_POWERPC, &file), std::nullopt);
  EXPECT_EQ(mmap_error(0, P, RW, MAP_SHARED_VALIDATE | MAP_NORESERVE_GENERIC, &file),
            Error::NotSupported);
}

TEST_F(AddressSpaceMmapType, OnlyPowerpcsMmapRefusesProtBitsMprotectRefuses) {
  // The generic mmap ignores unknown prot bits; the mapping gets the known ones.
  EXPECT_EQ(mmap_error(0, P, PROT_READ | 0x40, ANON), std::nullopt);
  AddressSpaceLayout l = default_layout();
  l.mmap_validates_prot = true;
  make_space(l);
  EXPECT_EQ(mmap_error(0, P, PROT_READ | 0x40, ANON), Error::Invalid);
  EXPECT_EQ(mmap_error(0, P, PROT_READ | 0x10, ANON), Error::Invalid);  // PROT_SAO
  EXPECT_EQ(mmap_error(0, P, PROT_READ | PROT_GROWSDOWN, ANON), Error::Invalid);
  // Before the offset check, as do_mmap2() orders them.
  EXPECT_EQ(mmap_error(0, P, 0x40, ANON, nullptr, 1), Error::Invalid);
  EXPECT_EQ(mmap_error(0, P, PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM, ANON), std::nullopt);
  EXPECT_EQ(space->map_count(), 1u);  // the new space holds only the last mapping
}

TEST_F(AddressSpaceMmapType, AFileRangeEndingPastTheLargestFileOverflows) {
  EXPECT_EQ(mmap_error(0, 2 * P, PROT_READ, MAP_PRIVATE, &file, 0x7ffffffffffff000),
            Error::Overflow);
  EXPECT_EQ(mmap_error(0, P, PROT_READ, MAP_PRIVATE, &file, 0x7fffffffffffe000), std::nullopt);
  check();
}

TEST_F(AddressSpaceMmapType, DroppableIsPrivateAnonymousMemoryOfItsOwnKind) {
  constexpr VmFlags DROP = VM_DROPPABLE | VM_NORESERVE | VM_WIPEONFORK | VM_DONTDUMP;
  ASSERT_EQ(space->mmap(T, P, RW, MAP_DROPPABLE | MAP_ANONYMOUS | MAP_FIXED).value(), T);
  map(T + P, P, RW, ANON | MAP_FIXED);
  ASSERT_EQ(space->mmap(T + 2 * P, P, RW, MAP_DROPPABLE | MAP_ANONYMOUS | MAP_FIXED).value(),
            T + 2 * P);
  // Its flags keep it apart from the private mapping between.
  EXPECT_EQ(vmas(), (std::vector<VmaView>{
                        {T, T + P, VM_READ | VM_WRITE | MAY | DROP, T / P},
                        {T + P, T + 2 * P, VM_READ | VM_WRITE | MAY | VM_ACCOUNT, T / P + 1},
                        {T + 2 * P, T + 3 * P, VM_READ | VM_WRITE | MAY | DROP, T / P + 2}}));
  touch(T);
  EXPECT_EQ(mmap_error(0, P, RW, MAP_DROPPABLE, &file), Error::Invalid);
  EXPECT_EQ(mmap_error(0, P, RW, MAP_DROPPABLE | MAP_ANONYMOUS | MAP_LOCKED_GENERIC),
            Error::Invalid);
  EXPECT_EQ(mmap_error(0, P, RW, MAP_DROPPABLE | MAP_ANONYMOUS | MAP_HUGETLB), Error::Invalid);
  EXPECT_EQ(mmap_error(0, P, RW, MAP_DROPPABLE | MAP_ANONYMOUS | MAP_GROWSDOWN), Error::Invalid);
  check();
}

TEST_F(AddressSpaceMmapType, AFileCannotGrowDownNorBeHugetlb) {
  EXPECT_EQ(mmap_error(0, P, RW, MAP_PRIVATE | MAP_GROWSDOWN, &file), Error::Invalid);
  EXPECT_EQ(mmap_error(0, P, RW, MAP_SHARED | MAP_GROWSDOWN, &file), Error::Invalid);
  EXPECT_EQ(mmap_error(0, P, RW, MAP_PRIVATE | MAP_HUGETLB, &file), Error::Invalid);
  EXPECT_EQ(space->map_count(), 0u);
}

TEST_F(AddressSpaceMmapType, NoreserveSetsAFlagThatKeepsNeighboursApart) {
  map(T, P, RW, ANON | MAP_FIXED);
  ASSERT_EQ(space->mmap(T + P, P, RW, ANON | MAP_FIXED | MAP_NORESERVE_GENERIC).value(), T + P);
  EXPECT_EQ(vmas(), (std::vector<VmaView>{
                        {T, T + P, VM_READ | VM_WRITE | MAY | VM_ACCOUNT, T / P},
                        {T + P, T + 2 * P, VM_READ | VM_WRITE | MAY | VM_NORESERVE, T / P + 1}}));
  check();
}

}  // namespace
