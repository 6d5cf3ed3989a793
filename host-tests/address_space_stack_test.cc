// Stack growth on faults (Linux's lock_mm_and_find_vma and expand_downwards, mm/mmap.c v6.12):
// a fault below a VM_GROWSDOWN VMA moves its start down to the faulting page and maps that page,
// unless mmap_min_addr, the guard gap to the VMA below, the VMA's offset or RLIMIT_STACK refuse,
// which is SEGV_MAPERR.

#include "host-tests/fake_mmu.h"

namespace {

constexpr uint64_t S = 0x40000000;  // the stack's initial start
constexpr int STACK = ANON | MAP_FIXED | MAP_GROWSDOWN;

class AddressSpaceStack : public AddressSpaceTest {
 protected:
  AddressSpaceStack() {
    AddressSpaceLayout l = default_layout();
    l.stack_guard_gap = 4 * P;
    l.stack_rlimit = 8 * P;
    make_space(l);
  }

  void expect_maperr(uint64_t addr, FaultAccess access = FaultAccess::Write) {
    const FaultVerdict v = fault(addr, access);
    EXPECT_EQ(v.signal, FaultSignal::Segv) << std::hex << addr;
    EXPECT_EQ(v.code, FaultCode::SegvMapErr) << std::hex << addr;
  }
};

TEST_F(AddressSpaceStack, GrowsDownToTheFaultingPageAndMapsIt) {
  map(S, 2 * P, RW, STACK);
  touch(S - 3 * P + 5);
  const VmFlags flags = VM_READ | VM_WRITE | MAY | VM_GROWSDOWN | VM_ACCOUNT;
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{S - 3 * P, S + 2 * P, flags, S / P - 3}}));
  // Only the faulting page is mapped; the pages grown over stay empty.
  const auto table = mapped(0, kstd::U64_MAX);
  ASSERT_EQ(table.size(), 1u);
  EXPECT_EQ(table.begin()->first, S - 3 * P);
  check();
}

TEST_F(AddressSpaceStack, StopsAtTheStackLimit) {
  map(S, 2 * P, RW, STACK);
  // 8 pages in all is the limit: down to S - 6P grows, S - 7P would make 9.
  expect_maperr(S - 7 * P);
  EXPECT_EQ(vmas().front().start, S);
  touch(S - 6 * P);
  EXPECT_EQ(vmas().front().start, S - 6 * P);
  expect_maperr(S - 7 * P);
  EXPECT_EQ(vmas().front().start, S - 6 * P);
}

TEST_F(AddressSpaceStack, KeepsTheGuardGapToAnAccessibleVmaBelow) {
  map(S - 10 * P, P, RW, ANON | MAP_FIXED);  // ends at S - 9P
  map(S, P, RW, STACK);
  expect_maperr(S - 6 * P);  // 3 pages above the VMA below: inside the 4-page gap
  EXPECT_EQ(vmas().back().start, S);
  touch(S - 5 * P);  // exactly the gap
  EXPECT_EQ(vmas().back().start, S - 5 * P);
}

TEST_F(AddressSpaceStack, NoGapToAnInaccessibleOrGrowsDownVmaBelow) {
  map(S - 10 * P, P, PROT_NONE, ANON | MAP_FIXED);
  map(S, P, RW, STACK);
  touch(S - 7 * P);  // two pages above a PROT_NONE VMA
  EXPECT_EQ(vmas().back().start, S - 7 * P);
  // A stack below a stack needs no gap either; the two stay separate VMAs.
  map(S + 16 * P, P, RW, STACK);
  map(S + 10 * P, 2 * P, RW, STACK);
  touch(S + 12 * P);
  ASSERT_EQ(vmas().size(), 4u);
  EXPECT_EQ(vmas()[2].end, S + 12 * P);
  EXPECT_EQ(vmas()[3].start, S + 12 * P);
  check();
}

TEST_F(AddressSpaceStack, NeverBelowMmapMinAddr) {
  map(0x12000, P, RW, STACK);
  expect_maperr(0xf000);
  touch(0x10000);
  EXPECT_EQ(vmas().front().start, 0x10000u);
}

TEST_F(AddressSpaceStack, OnlyVmaWithGrowsDownGrow) {
  map(S, P, RW, ANON | MAP_FIXED);
  expect_maperr(S - P);
  EXPECT_EQ(vmas().front().start, S);
  // Above the last VMA nothing grows up.
  map(S + 4 * P, P, RW, STACK);
  expect_maperr(S + 5 * P);
}

TEST_F(AddressSpaceStack, TheAccessIsCheckedAfterTheGrowth) {
  map(S, P, PROT_READ, STACK);
  const FaultVerdict v = fault(S - P, FaultAccess::Write);
  EXPECT_EQ(v.signal, FaultSignal::Segv);
  EXPECT_EQ(v.code, FaultCode::SegvAccErr);
  // Linux has grown the VMA before it looks at the access.
  EXPECT_EQ(vmas().front().start, S - P);
  EXPECT_TRUE(mmu.pages.empty());
}

TEST_F(AddressSpaceStack, TheOffsetCannotGoBelowZero) {
  // A file cannot grow down (do_mmap() refuses it), but a touched stack keeps its offset when
  // it moves (copy_vma()): made at mmap_min_addr, it has 16 pages to grow by wherever it goes.
  AddressSpaceLayout l = default_layout();
  l.stack_rlimit = 64 * P;
  make_space(l);
  const uint64_t low = 0x10000;
  map(low, P, RW, STACK);
  touch(low);
  ASSERT_EQ(space->mremap(low, P, P, MREMAP_MAYMOVE | MREMAP_FIXED, S).value(), S);
  ASSERT_EQ(space->vma_lookup(S)->vm_pgoff, low / P);
  expect_maperr(S - 17 * P, FaultAccess::Read);
  touch(S - 16 * P, FaultAccess::Read);
  EXPECT_EQ(vmas().front().start, S - 16 * P);
  EXPECT_EQ(vmas().front().pgoff, 0u);
}

TEST_F(AddressSpaceStack, OutOfMemoryUndoesTheGrowth) {
  map(S, P, RW, STACK);
  pages.budget = 0;
  EXPECT_EQ(error_of(space->handle_fault(S - 2 * P, FaultAccess::Write)), Error::NoMemory);
  EXPECT_EQ(vmas().front().start, S);
  pages.budget = -1;
  mmu.map_budget = 0;
  EXPECT_EQ(error_of(space->handle_fault(S - 2 * P, FaultAccess::Write)), Error::NoMemory);
  EXPECT_EQ(vmas().front().start, S);
  EXPECT_TRUE(pages.live.empty());
  mmu.map_budget = -1;
  touch(S - 2 * P);
  EXPECT_EQ(vmas().front().start, S - 2 * P);
  check();
}

TEST_F(AddressSpaceStack, MapsNamesTheGrownStack) {
  AddressSpaceLayout l = default_layout();
  l.start_stack = S + P / 2;
  make_space(l);
  map(S, P, RW, STACK);
  touch(S - 3 * P);
  EXPECT_EQ(maps(), "3fffd000-40001000 rw-p 00000000 00:00 0" + std::string(34, ' ') + "[stack]\n");
}

}  // namespace
