// Demand faults (Linux's do_page_fault + handle_mm_fault, v6.12): the
// FaultSignal::Segv/FaultSignal::Bus verdicts, zeroed anonymous pages a write fault maps with the
// VMA's access bits (read faults map the zero page: address_space_zero_page_test.cc),
// special-mapping pages, and that munmap, MAP_FIXED and teardown unmap and free exactly the
// pages that were faulted in.

#include <algorithm>

#include "host-tests/fake_mmu.h"

namespace {

using AddressSpaceFault = AddressSpaceTest;

constexpr uint64_t A = 0x40000000;

TEST_F(AddressSpaceFault, AnonymousPageIsZeroedAndMappedWithTheVmaAccess) {
  map(A, 4 * P, PROT_READ | PROT_WRITE, ANON | MAP_FIXED);
  touch(A + P + 123);
  const auto table = mapped(0, kstd::U64_MAX);
  ASSERT_EQ(table.size(), 1u);
  EXPECT_EQ(table.begin()->first, A + P);
  EXPECT_EQ(table.begin()->second.flags, VM_READ | VM_WRITE);
  ASSERT_EQ(pages.live.size(), 1u);
  const auto* bytes = reinterpret_cast<const unsigned char*>(table.begin()->second.pa);
  for (uint64_t i = 0; i < P; i++) ASSERT_EQ(bytes[i], 0u);
  // A second fault on a present page (another thread won the race) changes nothing.
  mmu.calls.clear();
  touch(A + P);
  EXPECT_TRUE(mmu.calls.empty());
  EXPECT_EQ(pages.live.size(), 1u);
}

TEST_F(AddressSpaceFault, MaperrOutsideEveryVma) {
  map(A, 2 * P, RW, ANON | MAP_FIXED);
  map(A + 4 * P, 2 * P, RW, ANON | MAP_FIXED);
  for (uint64_t addr :
       {uint64_t{0}, A - 1, A + 2 * P, A + 3 * P + P - 1, A + 6 * P, TASK_SIZE, kstd::U64_MAX}) {
    const FaultVerdict v = fault(addr, FaultAccess::Read);
    EXPECT_EQ(v.signal, FaultSignal::Segv) << std::hex << addr;
    EXPECT_EQ(v.code, FaultCode::SegvMapErr) << std::hex << addr;
  }
  EXPECT_TRUE(mmu.pages.empty());
  EXPECT_TRUE(pages.live.empty());
}

TEST_F(AddressSpaceFault, AccerrFollowsTheVmaFlags) {
  const uint64_t none = map(A, P, PROT_NONE, ANON | MAP_FIXED);
  const uint64_t ro = map(A + 2 * P, P, PROT_READ, ANON | MAP_FIXED);
  const uint64_t wo = map(A + 4 * P, P, PROT_WRITE, ANON | MAP_FIXED);
  const uint64_t xo = map(A + 6 * P, P, PROT_EXEC, ANON | MAP_FIXED);
  struct Case {
    uint64_t addr;
    FaultAccess access;
    bool allowed;
  };
  const Case cases[] = {
      {none, FaultAccess::Read, false}, {none, FaultAccess::Write, false},
      {none, FaultAccess::Exec, false}, {ro, FaultAccess::Write, false},
      {ro, FaultAccess::Exec, false},   {wo, FaultAccess::Exec, false},
      {xo, FaultAccess::Write, false},  {xo, FaultAccess::Read, false},
      {ro, FaultAccess::Read, true},    {wo, FaultAccess::Read, true},
      {wo, FaultAccess::Write, true},   {xo, FaultAccess::Exec, true},
  };
  for (const Case& c : cases) {
    const FaultVerdict v = fault(c.addr, c.access);
    if (c.allowed) {
      EXPECT_EQ(v.signal, FaultSignal::None)
          << std::hex << c.addr << " " << static_cast<int>(c.access);
    } else {
      EXPECT_EQ(v.signal, FaultSignal::Segv)
          << std::hex << c.addr << " " << static_cast<int>(c.access);
      EXPECT_EQ(v.code, FaultCode::SegvAccErr);
    }
  }
  EXPECT_EQ(mapped(0, kstd::U64_MAX),
            (std::map<uint64_t, FakePte>{{ro, {mapped(ro, ro + P).at(ro).pa, VM_READ}},
                                         {wo, {mapped(wo, wo + P).at(wo).pa, VM_WRITE}},
                                         {xo, {mapped(xo, xo + P).at(xo).pa, VM_EXEC}}}));
}

TEST_F(AddressSpaceFault, ExecImpliesReadWhenTheLayoutSaysSo) {
  AddressSpaceLayout layout = default_layout();
  layout.exec_implies_read = true;
  make_space(layout);
  const uint64_t xo = map(A, P, PROT_EXEC, ANON | MAP_FIXED);
  EXPECT_EQ(fault(xo, FaultAccess::Read).signal, FaultSignal::None);
  EXPECT_EQ(mapped(xo, xo + P).at(xo).flags, VM_EXEC);
}

TEST_F(AddressSpaceFault, MteMappingsAreMappedTagged) {
  AddressSpaceLayout layout = default_layout();
  layout.mte = true;
  make_space(layout);
  const uint64_t tagged = map(0, P, RW | PROT_MTE);
  touch(tagged);
  EXPECT_EQ(mapped(tagged, tagged + P).at(tagged).flags, VM_READ | VM_WRITE | VM_MTE);
}

TEST_F(AddressSpaceFault, OutOfMemoryMapsNothing) {
  map(A, P, RW, ANON | MAP_FIXED);
  pages.budget = 0;
  Result<FaultVerdict> no_page = space->handle_fault(A, FaultAccess::Write);
  ASSERT_TRUE(no_page.is_error());
  EXPECT_EQ(no_page.error(), Error::NoMemory);
  pages.budget = -1;
  mmu.map_budget = 0;
  Result<FaultVerdict> no_table = space->handle_fault(A, FaultAccess::Write);
  ASSERT_TRUE(no_table.is_error());
  EXPECT_EQ(no_table.error(), Error::NoMemory);
  EXPECT_TRUE(mmu.pages.empty());
  EXPECT_TRUE(pages.live.empty());  // the page taken for the failed map went back
}

TEST_F(AddressSpaceFault, FilePagesEndWithTheFile) {
  // 2.5 pages of file at offset 1 page: file pages 1 and 2 exist, page 3 does not.
  VmFile file{"/lib/x.so", 2 * P + P / 2, 8, 1, 42};
  ASSERT_TRUE(space->mmap(A, 4 * P, PROT_READ, MAP_PRIVATE | MAP_FIXED, &file, P).is_ok());
  EXPECT_EQ(fault(A, FaultAccess::Read).signal, FaultSignal::None);
  EXPECT_EQ(fault(A + P + 5, FaultAccess::Read).signal, FaultSignal::None);
  const FaultVerdict past = fault(A + 2 * P, FaultAccess::Read);
  EXPECT_EQ(past.signal, FaultSignal::Bus);
  EXPECT_EQ(past.code, FaultCode::BusAdrErr);
  EXPECT_EQ(mapped(0, kstd::U64_MAX).size(), 2u);
}

TEST_F(AddressSpaceFault, SpecialMappingPagesComeFromTheSpecAndAreNotFreed) {
  alignas(4096) static unsigned char vvar_pages[2][4096];
  const uint64_t backing[] = {reinterpret_cast<uint64_t>(vvar_pages[0]),
                              reinterpret_cast<uint64_t>(vvar_pages[1])};
  SpecialMapping spec;
  spec.name = "[vvar]";
  spec.pages = backing;
  spec.page_count = 2;
  const uint64_t base = 0x7fffa8d60000;
  ASSERT_TRUE(space->install_special_mapping(base, 3 * P, VM_READ | VM_MAYREAD, spec).is_ok());
  touch(base + P, FaultAccess::Read);
  EXPECT_EQ(mapped(base, base + 3 * P),
            (std::map<uint64_t, FakePte>{{base + P, {backing[1], VM_READ}}}));
  const FaultVerdict past = fault(base + 2 * P, FaultAccess::Read);
  EXPECT_EQ(past.signal, FaultSignal::Bus);
  EXPECT_EQ(past.code, FaultCode::BusAdrErr);
  EXPECT_EQ(fault(base, FaultAccess::Write).code, FaultCode::SegvAccErr);
  EXPECT_TRUE(pages.live.empty());
  // Unmapping removes the translation but leaves the spec's page alone (FakePages would abort
  // on a page it never handed out).
  ASSERT_TRUE(space->munmap(base, 3 * P).is_ok());
  EXPECT_TRUE(mmu.pages.empty());
}

TEST_F(AddressSpaceFault, SpecialFaultHookSeesTheOffset) {
  alignas(4096) static unsigned char page[4096];
  SpecialMapping spec;
  spec.name = "[vdso]";
  spec.context = page;
  spec.fault = [](const SpecialMapping&, Vma&, uint64_t pgoff, void* context) -> Result<uint64_t> {
    if (pgoff != 1) return Error::Fault;
    return reinterpret_cast<uint64_t>(context);
  };
  const uint64_t base = 0x7fffa8d70000;
  ASSERT_TRUE(space->install_special_mapping(base, 2 * P, VM_READ | VM_EXEC, spec).is_ok());
  EXPECT_EQ(fault(base, FaultAccess::Exec).signal, FaultSignal::Bus);
  EXPECT_EQ(fault(base + P, FaultAccess::Exec).signal, FaultSignal::None);
  EXPECT_EQ(mapped(base, base + 2 * P).at(base + P).pa, reinterpret_cast<uint64_t>(page));
  space.reset();
}

TEST_F(AddressSpaceFault, MunmapAndFixedFreeExactlyTheirPages) {
  map(A, 8 * P, RW, ANON | MAP_FIXED);
  for (uint64_t i = 0; i < 8; i++) touch(A + i * P);
  ASSERT_EQ(pages.live.size(), 8u);
  const auto before = mapped(0, kstd::U64_MAX);
  ASSERT_TRUE(space->munmap(A + 2 * P, 2 * P).is_ok());
  map(A + 5 * P, P, PROT_READ, ANON | MAP_FIXED);
  auto expected = before;
  expected.erase(A + 2 * P);
  expected.erase(A + 3 * P);
  expected.erase(A + 5 * P);
  EXPECT_EQ(mapped(0, kstd::U64_MAX), expected);
  EXPECT_EQ(pages.live.size(), 5u);
  // The fresh mapping faults in a new zero page.
  touch(A + 5 * P, FaultAccess::Read);
  EXPECT_EQ(mapped(A + 5 * P, A + 6 * P).at(A + 5 * P).flags, VM_READ);
}

TEST_F(AddressSpaceFault, UnmappingManyPagesGoesInBatches) {
  map(A, 100 * P, RW, ANON | MAP_FIXED);
  for (uint64_t i = 0; i < 100; i += 1) touch(A + i * P);
  ASSERT_TRUE(space->munmap(A, 100 * P).is_ok());
  EXPECT_TRUE(mmu.pages.empty());
  EXPECT_TRUE(pages.live.empty());
  // Each batch is flushed before its pages are freed: 32 + 32 + 32 + the rest.
  EXPECT_EQ(std::count(mmu.calls.begin(), mmu.calls.end(), MmuCall{"unmap", A, A + 32 * P}), 1);
  EXPECT_EQ(mmu.calls.back(), (MmuCall{"unmap", A + 96 * P, A + 100 * P}));
}

TEST_F(AddressSpaceFault, TeardownFreesEveryPage) {
  map(A, 3 * P, RW, ANON | MAP_FIXED);
  map(A + 10 * P, 3 * P, PROT_READ, ANON | MAP_FIXED);
  touch(A);
  touch(A + 2 * P);
  touch(A + 11 * P, FaultAccess::Read);  // the zero page: no page of its own
  EXPECT_EQ(pages.live.size(), 2u);
  EXPECT_EQ(mmu.pages.size(), 3u);
  space.reset();
  EXPECT_TRUE(mmu.pages.empty());
  EXPECT_TRUE(pages.live.empty());
}

}  // namespace
