// The vDSO's two special mappings per arch (kernel/proc/vdso.h), against Linux 6.12's
// arch/powerpc/kernel/vdso.c and arch/arm64/kernel/vdso.c: where they go, what maps shows, and
// how mremap and munmap of each leave the address space's vdso pointer.

#include "host-tests/fake_mmu.h"
#include "kernel/proc/vdso.h"

namespace {

constexpr uint64_t P = PAGE_SIZE;
constexpr uint64_t TEXT_PAGES = 2;
alignas(4096) unsigned char g_text[TEXT_PAGES][4096];
alignas(4096) unsigned char g_data[4096];
const uint64_t TEXT[TEXT_PAGES] = {reinterpret_cast<uint64_t>(g_text[0]),
                                   reinterpret_cast<uint64_t>(g_text[1])};
const uint64_t DATA[2] = {reinterpret_cast<uint64_t>(g_data), reinterpret_cast<uint64_t>(g_data)};

class Vdso : public AddressSpaceTest {
 protected:
  // Installs the arch's pair and returns the text start.
  uint64_t install(const VdsoArch& arch) {
    vdso = std::make_unique<VdsoMapping>(arch, TEXT, TEXT_PAGES, DATA);
    Result<uint64_t> text = vdso->install(*space);
    EXPECT_TRUE(text.is_ok());
    return text.is_ok() ? text.value() : 0;
  }
  uint64_t pointer() const { return space->context().vdso; }
  std::string name_at(uint64_t addr) const {
    Vma* vma = space->vma_lookup(addr);
    if (vma == nullptr || vma->special == nullptr) return "";
    return vma->special->name;
  }
  std::optional<Error> mremap_error(uint64_t addr, uint64_t old_len, uint64_t new_len, int flags,
                                    uint64_t new_addr = 0) {
    return error_of(space->mremap(addr, old_len, new_len, flags, new_addr));
  }
  void TearDown() override {
    AddressSpaceTest::TearDown();  // the address space goes before the specs
    vdso.reset();
  }
  std::unique_ptr<VdsoMapping> vdso;
};

constexpr uint64_t ELSEWHERE = 0x40000000;
constexpr int MOVE = MREMAP_MAYMOVE | MREMAP_FIXED;

TEST_F(Vdso, PowerpcInstallsThreeVvarPagesThenTheText64KAligned) {
  const uint64_t text = install(VDSO_ARCH_PPC64);
  const uint64_t base = text - 3 * P;
  EXPECT_EQ(base % 0x10000, 0u);
  // get_unmapped_area of vvar + text + 60 KiB, top-down below mmap_base, then aligned up.
  EXPECT_EQ(base, kstd::align_up(MMAP_BASE - (3 + TEXT_PAGES) * P - 0xf000, 0x10000));
  EXPECT_EQ(pointer(), text);
  EXPECT_EQ(vmas(),
            (std::vector<VmaView>{{base, text,
                                   VM_READ | VM_MAYREAD | VM_IO | VM_DONTDUMP | VM_PFNMAP |
                                       VM_DONTEXPAND | VM_SOFTDIRTY,
                                   0},
                                  {text, text + TEXT_PAGES * P,
                                   VM_READ | VM_EXEC | MAY | VM_DONTEXPAND | VM_SOFTDIRTY, 0}}));
  EXPECT_EQ(name_at(base), "[vvar]");
  EXPECT_EQ(name_at(text), "[vdso]");
  // The two data pages are the data; the time-namespace page raises SIGBUS.
  touch(base + P, FaultAccess::Read);
  EXPECT_EQ(mapped(base + P, base + 2 * P).begin()->second.pa, DATA[1]);
  EXPECT_EQ(fault(base + 2 * P, FaultAccess::Read).signal, FaultSignal::Bus);
  check();
}

TEST_F(Vdso, Arm64InstallsTwoVvarPagesRightBelowMmapBase) {
  const uint64_t text = install(VDSO_ARCH_ARM64);
  EXPECT_EQ(text, MMAP_BASE - TEXT_PAGES * P);
  EXPECT_EQ(pointer(), text);
  EXPECT_EQ(
      vmas(),
      (std::vector<VmaView>{
          {text - 2 * P, text, VM_READ | VM_MAYREAD | VM_PFNMAP | VM_DONTEXPAND | VM_SOFTDIRTY, 0},
          {text, MMAP_BASE, VM_READ | VM_EXEC | MAY | VM_DONTEXPAND | VM_SOFTDIRTY, 0}}));
  EXPECT_EQ(fault(text - P, FaultAccess::Read).signal, FaultSignal::Bus);
  check();
}

TEST_F(Vdso, NoRoomLeavesNothingAndNoPointer) {
  heap.vma_budget = 1;  // [vvar] fits, [vdso] does not
  vdso = std::make_unique<VdsoMapping>(VDSO_ARCH_PPC64, TEXT, TEXT_PAGES, DATA);
  space->context().vdso = 0x1234000;
  EXPECT_EQ(error_of(vdso->install(*space)), Error::NoMemory);
  EXPECT_EQ(pointer(), 0u);
  EXPECT_EQ(space->map_count(), 0u);
  check();
}

TEST_F(Vdso, PowerpcMremapMovesThePointerAndTheOldCloseLeavesIt) {
  const uint64_t text = install(VDSO_ARCH_PPC64);
  EXPECT_EQ(space->mremap(text, TEXT_PAGES * P, TEXT_PAGES * P, MOVE, ELSEWHERE).value(),
            ELSEWHERE);
  EXPECT_EQ(pointer(), ELSEWHERE);
  EXPECT_EQ(name_at(ELSEWHERE), "[vdso]");
  EXPECT_EQ(space->vma_lookup(text), nullptr);
  // Unmapping the old place (nothing there now) changes nothing.
  ASSERT_TRUE(space->munmap(text, TEXT_PAGES * P).is_ok());
  EXPECT_EQ(pointer(), ELSEWHERE);
  // Unmapping the moved text runs vdso_close, which forgets it.
  ASSERT_TRUE(space->munmap(ELSEWHERE, TEXT_PAGES * P).is_ok());
  EXPECT_EQ(pointer(), 0u);
  check();
}

TEST_F(Vdso, PowerpcMremapHookRefusesAnotherSize) {
  const uint64_t text = install(VDSO_ARCH_PPC64);
  // Through mremap a size change never reaches the hook: growing is VM_DONTEXPAND's Fault,
  // shrinking would split the mapping.
  EXPECT_EQ(mremap_error(text, TEXT_PAGES * P, (TEXT_PAGES + 1) * P, MREMAP_MAYMOVE), Error::Fault);
  EXPECT_EQ(mremap_error(text, TEXT_PAGES * P, P, MREMAP_MAYMOVE), Error::Invalid);
  EXPECT_EQ(pointer(), text);
  // The hook itself, on a VMA of another size, refuses and keeps the pointer.
  const SpecialMapping& spec = vdso->text_spec();
  Vma smaller{};
  smaller.vm_start = ELSEWHERE;
  smaller.vm_end = ELSEWHERE + P;
  EXPECT_EQ(error_of(spec.mremap(spec, *space, smaller, spec.context)), Error::Invalid);
  EXPECT_EQ(pointer(), text);
  check();
}

TEST_F(Vdso, PowerpcMunmapOfTheTextClearsThePointerOfTheVvarDoesNot) {
  const uint64_t text = install(VDSO_ARCH_PPC64);
  ASSERT_TRUE(space->munmap(text - 3 * P, 3 * P).is_ok());
  EXPECT_EQ(pointer(), text);
  ASSERT_TRUE(space->munmap(text, TEXT_PAGES * P).is_ok());
  EXPECT_EQ(pointer(), 0u);
  check();
}

TEST_F(Vdso, Arm64MremapMovesThePointerMunmapLeavesItStale) {
  const uint64_t text = install(VDSO_ARCH_ARM64);
  EXPECT_EQ(vdso->text_spec().close, nullptr);
  EXPECT_EQ(space->mremap(text, TEXT_PAGES * P, TEXT_PAGES * P, MOVE, ELSEWHERE).value(),
            ELSEWHERE);
  EXPECT_EQ(pointer(), ELSEWHERE);
  ASSERT_TRUE(space->munmap(ELSEWHERE, TEXT_PAGES * P).is_ok());
  EXPECT_EQ(pointer(), ELSEWHERE);
  EXPECT_EQ(space->vma_lookup(ELSEWHERE), nullptr);
  check();
}

TEST_F(Vdso, PartialUnmapAndSplittingMprotectAreRefused) {
  for (const VdsoArch* arch : {&VDSO_ARCH_PPC64, &VDSO_ARCH_ARM64}) {
    const uint64_t text = install(*arch);
    const uint64_t vvar = text - arch->vvar_pages * P;
    EXPECT_EQ(munmap_error(text, P), Error::Invalid);
    EXPECT_EQ(munmap_error(vvar + P, P), Error::Invalid);
    EXPECT_EQ(error_of(space->mprotect(text + P, P, PROT_READ)), Error::Invalid);
    EXPECT_EQ(error_of(space->mprotect(vvar, P, PROT_NONE)), Error::Invalid);
    // Unchanged flags need no split (mprotect_fixup returns first), so that succeeds.
    EXPECT_TRUE(space->mprotect(vvar, P, PROT_READ).is_ok());
    EXPECT_EQ(pointer(), text);
    EXPECT_EQ(space->map_count(), 2u);
    // The whole text may change protection (it has every VM_MAY* bit).
    EXPECT_TRUE(space->mprotect(text, TEXT_PAGES * P, PROT_READ).is_ok());
    check();
    make_space(default_layout());
  }
}

TEST_F(Vdso, VvarMovesWholeAndLeavesThePointer) {
  for (const VdsoArch* arch : {&VDSO_ARCH_PPC64, &VDSO_ARCH_ARM64}) {
    const uint64_t text = install(*arch);
    const uint64_t size = arch->vvar_pages * P;
    const uint64_t vvar = text - size;
    EXPECT_EQ(mremap_error(vvar, size, size + P, MREMAP_MAYMOVE), Error::Fault);
    EXPECT_EQ(space->mremap(vvar, size, size, MOVE, ELSEWHERE).value(), ELSEWHERE);
    EXPECT_EQ(name_at(ELSEWHERE), "[vvar]");
    EXPECT_EQ(space->vma_lookup(vvar), nullptr);
    EXPECT_EQ(pointer(), text);
    ASSERT_TRUE(space->munmap(ELSEWHERE, size).is_ok());
    EXPECT_EQ(pointer(), text);
    check();
    make_space(default_layout());
  }
}

}  // namespace
