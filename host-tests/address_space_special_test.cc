// Special mappings in an address space (Linux's _install_special_mapping and
// special_mapping_vmops): page lookup, never merged, never split, the close hook on unmap, and
// their names in /proc/PID/maps, including powerpc's "[vvar]" + "[vdso]" pair.

#include "host-tests/fake_mmu.h"
#include "kernel/mm/special_mapping.h"

namespace {

TEST(SpecialMapping, PagesByOffset) {
  const uint64_t pages[] = {0x80001000, 0x80005000};
  SpecialMapping spec;
  spec.name = "[vvar]";
  spec.pages = pages;
  spec.page_count = 2;
  Vma vma{};
  Result<uint64_t> first = special_mapping_page(spec, vma, 0);
  ASSERT_TRUE(first.is_ok());
  EXPECT_EQ(first.value(), 0x80001000u);
  Result<uint64_t> second = special_mapping_page(spec, vma, 1);
  ASSERT_TRUE(second.is_ok());
  EXPECT_EQ(second.value(), 0x80005000u);
  Result<uint64_t> past = special_mapping_page(spec, vma, 2);
  ASSERT_TRUE(past.is_error());
  EXPECT_EQ(past.error(), Error::Fault);
}

TEST(SpecialMapping, FaultHookWinsOverPages) {
  const uint64_t pages[] = {0x1000};
  int calls = 0;
  SpecialMapping spec;
  spec.pages = pages;
  spec.page_count = 1;
  spec.context = &calls;
  spec.fault = [](const SpecialMapping&, Vma&, uint64_t pgoff, void* context) -> Result<uint64_t> {
    ++*static_cast<int*>(context);
    return 0x900000 + pgoff * 0x1000;
  };
  Vma vma{};
  Result<uint64_t> page = special_mapping_page(spec, vma, 3);
  ASSERT_TRUE(page.is_ok());
  EXPECT_EQ(page.value(), 0x903000u);
  EXPECT_EQ(calls, 1);
}

TEST(SpecialMapping, NoPagesNoHookIsSigbus) {
  SpecialMapping spec;
  Vma vma{};
  Result<uint64_t> page = special_mapping_page(spec, vma, 0);
  ASSERT_TRUE(page.is_error());
  EXPECT_EQ(page.error(), Error::Fault);
}

struct CloseLog {
  std::vector<uint64_t> closed;  // vm_start of each closed VMA
};

SpecialMapping vdso_spec(CloseLog* log) {
  SpecialMapping spec;
  spec.name = "[vdso]";
  spec.close = [](const SpecialMapping&, AddressSpace&, Vma& vma, void* context) {
    static_cast<CloseLog*>(context)->closed.push_back(vma.vm_start);
  };
  spec.context = log;
  return spec;
}

using AddressSpaceSpecial = AddressSpaceTest;

constexpr uint64_t VDSO = 0x7fffa8d70000;
constexpr VmFlags VDSO_FLAGS = VM_READ | VM_EXEC | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;

TEST_F(AddressSpaceSpecial, InstallSetsFlagsAndNeverMerges) {
  CloseLog log;
  const SpecialMapping spec = vdso_spec(&log);
  Result<Vma*> vma = space->install_special_mapping(VDSO, 2 * P, VDSO_FLAGS | VM_LOCKED, spec);
  ASSERT_TRUE(vma.is_ok());
  EXPECT_EQ(vma.value()->vm_flags, VDSO_FLAGS | VM_DONTEXPAND | VM_SOFTDIRTY);
  EXPECT_EQ(vma.value()->special, &spec);
  // An anonymous neighbour with the very same flags stays separate.
  ASSERT_TRUE(
      space->mmap(VDSO + 2 * P, P, PROT_READ | PROT_EXEC, ANON | MAP_FIXED, nullptr, 0).is_ok());
  EXPECT_EQ(space->map_count(), 2u);
  check();
  space.reset();  // before the spec goes out of scope
}

TEST_F(AddressSpaceSpecial, InstallErrors) {
  CloseLog log;
  const SpecialMapping spec = vdso_spec(&log);
  auto error = [&](uint64_t addr, uint64_t len) {
    return error_of(space->install_special_mapping(addr, len, VDSO_FLAGS, spec));
  };
  EXPECT_EQ(error(VDSO + 1, P), Error::Invalid);
  EXPECT_EQ(error(VDSO, 0), Error::Invalid);
  EXPECT_EQ(error(TASK_SIZE - P, 2 * P), Error::Invalid);
  EXPECT_EQ(error(kstd::U64_MAX & ~(P - 1), 2 * P), Error::Invalid);
  map(VDSO + P, P, RW, ANON | MAP_FIXED);
  EXPECT_EQ(error(VDSO, 2 * P), Error::NoMemory);  // insert_vm_struct's answer to an overlap
  heap.vma_budget = 0;
  EXPECT_EQ(error(VDSO - P, P), Error::NoMemory);
  EXPECT_EQ(space->map_count(), 1u);
  check();
}

TEST_F(AddressSpaceSpecial, PartialUnmapIsInvalidWholeUnmapCloses) {
  CloseLog log;
  const SpecialMapping spec = vdso_spec(&log);
  ASSERT_TRUE(space->install_special_mapping(VDSO, 4 * P, VDSO_FLAGS, spec).is_ok());
  EXPECT_EQ(munmap_error(VDSO + P, P), Error::Invalid);
  EXPECT_EQ(munmap_error(VDSO - P, 2 * P), Error::Invalid);
  EXPECT_EQ(munmap_error(VDSO + 3 * P, 2 * P), Error::Invalid);
  EXPECT_EQ(mmap_error(VDSO + P, P, RW, ANON | MAP_FIXED), Error::Invalid);
  EXPECT_TRUE(log.closed.empty());
  EXPECT_EQ(space->map_count(), 1u);
  ASSERT_TRUE(space->munmap(VDSO - P, 6 * P).is_ok());
  EXPECT_EQ(log.closed, std::vector<uint64_t>{VDSO});
  EXPECT_EQ(space->map_count(), 0u);
  check();
}

TEST_F(AddressSpaceSpecial, FixedMappingOverItClosesIt) {
  CloseLog log;
  const SpecialMapping spec = vdso_spec(&log);
  ASSERT_TRUE(space->install_special_mapping(VDSO, 2 * P, VDSO_FLAGS, spec).is_ok());
  EXPECT_EQ(map(VDSO, 2 * P, RW, ANON | MAP_FIXED), VDSO);
  EXPECT_EQ(log.closed, std::vector<uint64_t>{VDSO});
  EXPECT_EQ(space->vma_lookup(VDSO)->special, nullptr);
  check();
}

TEST_F(AddressSpaceSpecial, TeardownClosesAndUnmaps) {
  CloseLog log;
  const SpecialMapping spec = vdso_spec(&log);
  ASSERT_TRUE(space->install_special_mapping(VDSO, 2 * P, VDSO_FLAGS, spec).is_ok());
  map(0x40000000, P);
  mmu.calls.clear();
  space.reset();
  EXPECT_EQ(log.closed, std::vector<uint64_t>{VDSO});
  EXPECT_EQ(mmu.calls, (std::vector<MmuCall>{{"unmap", 0x40000000, 0x40000000 + P},
                                             {"unmap", VDSO, VDSO + 2 * P}}));
  EXPECT_TRUE(heap.vmas.empty());
  EXPECT_TRUE(heap.nodes.empty());
}

// Christophe Leroy's 2020 layout: the data page in front of the text. Named through the spec,
// the text VMA is "[vdso]" wherever it starts; Ellerman's broken kernel printed the same line
// without a name because it named only a VMA starting at mm->context.vdso_base.
TEST_F(AddressSpaceSpecial, VvarAndVdsoAreNamedByTheirSpecs) {
  CloseLog log;
  SpecialMapping vvar;
  vvar.name = "[vvar]";
  const SpecialMapping vdso = vdso_spec(&log);
  constexpr uint64_t DATA = 0x7fffa8d60000;
  ASSERT_TRUE(space->install_special_mapping(DATA, 16 * P, VM_READ | VM_MAYREAD, vvar).is_ok());
  ASSERT_TRUE(space->install_special_mapping(VDSO, 32 * P, VDSO_FLAGS, vdso).is_ok());
  EXPECT_EQ(maps(),
            "7fffa8d60000-7fffa8d70000 r--p 00000000 00:00 0                          [vvar]\n"
            "7fffa8d70000-7fffa8d90000 r-xp 00000000 00:00 0                          [vdso]\n");
  space.reset();
  EXPECT_EQ(log.closed, std::vector<uint64_t>{VDSO});
}

}  // namespace
