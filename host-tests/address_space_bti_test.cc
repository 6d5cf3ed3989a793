// PROT_BTI against Linux 6.12's arm64 arch_calc_vm_prot_bits() and arch_validate_prot()
// (arch/arm64/include/asm/mman.h) and mprotect's VM_ARCH_CLEAR (mm/mprotect.c): where the CPU
// has BTI, mmap and mprotect set VM_ARM64_BTI and every present page of such a VMA carries it
// (arm64's GP bit), an mprotect without PROT_BTI clears it, and VMAs differing in it do not
// merge; without BTI mmap ignores the bit and mprotect refuses it.

#include "host-tests/fake_mmu.h"

namespace {

constexpr uint64_t A = 0x40000000;
constexpr int RX = PROT_READ | PROT_EXEC;

class AddressSpaceBti : public AddressSpaceTest {
 protected:
  AddressSpaceBti() {
    AddressSpaceLayout layout = default_layout();
    layout.bti = true;
    make_space(layout);
  }
  VmFlags flags_at(uint64_t va) const { return space->vma_lookup(va)->vm_flags; }
};

TEST_F(AddressSpaceBti, MmapAndMprotectSetTheGuard) {
  map(A, 2 * P, RX | PROT_BTI, ANON | MAP_FIXED);
  EXPECT_EQ(flags_at(A), VM_READ | VM_EXEC | VM_ARM64_BTI | MAY);
  touch(A, FaultAccess::Read);
  // The zero page's translation is guarded too, as every page of the VMA.
  EXPECT_EQ(mapped(A, A + P).at(A).flags, VM_READ | VM_EXEC | VM_ARM64_BTI);
  // PROT_BTI alone, and with write, is accepted; an unknown bit beside it is not.
  EXPECT_TRUE(space->mprotect(A + P, P, PROT_BTI).is_ok());
  EXPECT_EQ(flags_at(A + P), VM_ARM64_BTI | MAY);
  EXPECT_EQ(error_of(space->mprotect(A + P, P, RX | PROT_BTI | 0x40)), Error::Invalid);
  // Dropping PROT_BTI clears the flag and the present pages' guard.
  ASSERT_TRUE(space->mprotect(A, P, RX).is_ok());
  EXPECT_EQ(flags_at(A), VM_READ | VM_EXEC | MAY);
  EXPECT_EQ(mapped(A, A + P).at(A).flags, VM_READ | VM_EXEC);
  ASSERT_TRUE(space->mprotect(A, P, RX | PROT_BTI).is_ok());
  EXPECT_EQ(mapped(A, A + P).at(A).flags, VM_READ | VM_EXEC | VM_ARM64_BTI);
  // A write fault in a guarded writable VMA maps a guarded page.
  ASSERT_TRUE(space->mprotect(A + P, P, PROT_READ | PROT_WRITE | PROT_BTI).is_ok());
  touch(A + P);
  EXPECT_EQ(mapped(A + P, A + 2 * P).at(A + P).flags, VM_READ | VM_WRITE | VM_ARM64_BTI);
  check();
}

TEST_F(AddressSpaceBti, TheGuardKeepsNeighboursApart) {
  map(A, P, RX | PROT_BTI, ANON | MAP_FIXED);
  map(A + P, P, RX, ANON | MAP_FIXED);
  ASSERT_EQ(vmas().size(), 2u);
  // Adding the guard merges the two; taking it off one page splits it again.
  ASSERT_TRUE(space->mprotect(A + P, P, RX | PROT_BTI).is_ok());
  EXPECT_EQ(vmas(),
            (std::vector<VmaView>{{A, A + 2 * P, VM_READ | VM_EXEC | VM_ARM64_BTI | MAY, A / P}}));
  ASSERT_TRUE(space->mprotect(A, P, RX).is_ok());
  EXPECT_EQ(vmas().size(), 2u);
  // A mapping next to a guarded one with the same access bits does not merge at mmap either.
  map(A + 2 * P, P, RX, ANON | MAP_FIXED);
  EXPECT_EQ(vmas().size(), 3u);
  check();
}

TEST_F(AddressSpaceBti, MremapMovesGuardedPages) {
  map(A, P, PROT_READ | PROT_WRITE | PROT_BTI, ANON | MAP_FIXED);
  touch(A);
  Result<uint64_t> moved = space->mremap(A, P, P, MREMAP_MAYMOVE | MREMAP_FIXED, A + 8 * P);
  ASSERT_TRUE(moved.is_ok()) << error_name(moved.error());
  EXPECT_EQ(mapped(A + 8 * P, A + 9 * P).at(A + 8 * P).flags, VM_READ | VM_WRITE | VM_ARM64_BTI);
  check();
}

TEST_F(AddressSpaceTest, WithoutBtiMmapIgnoresItAndMprotectRefusesIt) {
  map(A, P, RX | PROT_BTI, ANON | MAP_FIXED);
  EXPECT_EQ(space->vma_lookup(A)->vm_flags, VM_READ | VM_EXEC | MAY);
  EXPECT_EQ(error_of(space->mprotect(A, P, RX | PROT_BTI)), Error::Invalid);
  check();
}

}  // namespace
