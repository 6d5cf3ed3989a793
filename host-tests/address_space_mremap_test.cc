// mremap against Linux's mm/mremap.c (v6.12): shrink, grow in place (merging with the next
// VMA), MREMAP_MAYMOVE and MREMAP_FIXED moves that carry the pages along, the special-mapping
// hooks, every error code and that a failed call changes nothing.

#include <cstring>

#include "host-tests/fake_mmu.h"

namespace {

constexpr uint64_t A = 0x40000000;
constexpr uint64_t B = 0x50000000;

class AddressSpaceMremap : public AddressSpaceTest {
 protected:
  // A source and a destination for the MREMAP_FIXED moves, both with pages behind them: A, 8
  // read-write pages all touched, and B, 4 read-only pages whose second is touched.
  void map_populated_a_and_b() {
    map(A, 8 * P, RW, ANON | MAP_FIXED);
    map(B, 4 * P, PROT_READ, ANON | MAP_FIXED);
    for (uint64_t i = 0; i < 8; i++) touch(A + i * P);
    touch(B + P, FaultAccess::Read);
  }
};

constexpr VmFlags MAY = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
constexpr VmFlags RW_ = VM_READ | VM_WRITE | MAY | VM_ACCOUNT;

std::optional<Error> mremap_error(AddressSpace& space, uint64_t addr, uint64_t old_len,
                                  uint64_t new_len, int flags, uint64_t new_addr = 0) {
  return error_of(space.mremap(addr, old_len, new_len, flags, new_addr));
}

uint64_t remap(AddressSpace& space, uint64_t addr, uint64_t old_len, uint64_t new_len, int flags,
               uint64_t new_addr = 0) {
  Result<uint64_t> r = space.mremap(addr, old_len, new_len, flags, new_addr);
  EXPECT_TRUE(r.is_ok()) << error_name(r.error());
  return r.is_ok() ? r.value() : 0;
}

void stamp(uint64_t pa, unsigned char value) { std::memset(reinterpret_cast<void*>(pa), value, 8); }
unsigned char stamp_of(uint64_t pa) { return *reinterpret_cast<const unsigned char*>(pa); }

TEST_F(AddressSpaceMremap, ShrinkUnmapsAndFreesTheTail) {
  map(A, 4 * P, RW, ANON | MAP_FIXED);
  for (uint64_t i = 0; i < 4; i++) touch(A + i * P);
  EXPECT_EQ(remap(*space, A, 4 * P, P + 1, 0), A);
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{A, A + 2 * P, RW_, A / P}}));
  EXPECT_EQ(mapped(0, kstd::U64_MAX).size(), 2u);
  EXPECT_EQ(pages.live.size(), 2u);
  EXPECT_EQ(remap(*space, A, 2 * P, 2 * P, 0), A);  // same size: nothing to do
  check();
}

TEST_F(AddressSpaceMremap, GrowsInPlaceAndMergesWithTheNext) {
  map(A, 2 * P, RW, ANON | MAP_FIXED);
  map(A + 4 * P, 2 * P, RW, ANON | MAP_FIXED);
  // The next VMA's anon_vma accepts the untouched one growing into it (a touched one would
  // not merge with an untouched next; see address_space_anon_vma_test.cc).
  touch(A + 4 * P);
  const auto before = mapped(0, kstd::U64_MAX);
  EXPECT_EQ(remap(*space, A, 2 * P, 3 * P, 0), A);
  EXPECT_EQ(space->map_count(), 2u);
  EXPECT_EQ(remap(*space, A, 3 * P, 4 * P, 0), A);
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{A, A + 6 * P, RW_, A / P}}));
  EXPECT_EQ(mapped(0, kstd::U64_MAX), before);
  // No room and no MREMAP_MAYMOVE.
  map(A + 6 * P, P, PROT_READ, ANON | MAP_FIXED);
  EXPECT_EQ(mremap_error(*space, A, 6 * P, 7 * P, 0), Error::NoMemory);
  check();
}

TEST_F(AddressSpaceMremap, MayMoveCarriesThePagesAlong) {
  map(A, 3 * P, RW, ANON | MAP_FIXED);
  map(A + 3 * P, P, PROT_READ, ANON | MAP_FIXED);
  touch(A);
  touch(A + 2 * P);
  const auto old_table = mapped(A, A + 3 * P);
  stamp(old_table.at(A).pa, 0x11);
  stamp(old_table.at(A + 2 * P).pa, 0x22);
  const uint64_t to = remap(*space, A, 3 * P, 5 * P, MREMAP_MAYMOVE);
  EXPECT_EQ(to, MMAP_BASE - 5 * P);
  // The moved VMA keeps its flags and offset; the old range is gone.
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{A + 3 * P, A + 4 * P, VM_READ | MAY, A / P + 3},
                                          {to, to + 5 * P, RW_, A / P}}));
  const auto table = mapped(0, kstd::U64_MAX);
  ASSERT_EQ(table.size(), 2u);
  EXPECT_EQ(table.at(to).pa, old_table.at(A).pa);
  EXPECT_EQ(table.at(to + 2 * P).pa, old_table.at(A + 2 * P).pa);
  EXPECT_EQ(table.at(to).flags, VM_READ | VM_WRITE);
  EXPECT_EQ(stamp_of(table.at(to + 2 * P).pa), 0x22);
  EXPECT_EQ(pages.live.size(), 2u);
  check();
}

TEST_F(AddressSpaceMremap, FixedMovesPartOfAVmaOverAnotherMapping) {
  map_populated_a_and_b();
  const auto old_table = mapped(A, A + 8 * P);
  // Move pages 2..4 of the first (shrinking 4 pages to 3) onto the middle of the second.
  EXPECT_EQ(remap(*space, A + 2 * P, 4 * P, 3 * P, MREMAP_MAYMOVE | MREMAP_FIXED, B + P), B + P);
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{A, A + 2 * P, RW_, A / P},
                                          {A + 6 * P, A + 8 * P, RW_, A / P + 6},
                                          {B, B + P, VM_READ | MAY, B / P},
                                          {B + P, B + 4 * P, RW_, A / P + 2}}));
  std::map<uint64_t, FakePte> expected{{A, old_table.at(A)},
                                       {A + P, old_table.at(A + P)},
                                       {A + 6 * P, old_table.at(A + 6 * P)},
                                       {A + 7 * P, old_table.at(A + 7 * P)}};
  for (uint64_t i = 0; i < 3; i++) expected[B + (1 + i) * P] = old_table.at(A + (2 + i) * P);
  EXPECT_EQ(mapped(0, kstd::U64_MAX), expected);
  EXPECT_EQ(pages.live.size(), 7u);  // page 5 of A and the old page at B + P are freed
  check();
}

TEST_F(AddressSpaceMremap, ErrorCodesChangeNothing) {
  map(A, 4 * P, RW, ANON | MAP_FIXED);
  map(A + 6 * P, 2 * P, RW, ANON | MAP_FIXED);
  touch(A);
  const auto before = vmas();
  const auto table = mapped(0, kstd::U64_MAX);
  const int move = MREMAP_MAYMOVE;
  EXPECT_EQ(mremap_error(*space, A, P, P, 8), Error::Invalid);
  EXPECT_EQ(mremap_error(*space, A, P, P, MREMAP_FIXED, A + 20 * P), Error::Invalid);
  EXPECT_EQ(mremap_error(*space, A, P, 2 * P, move | MREMAP_DONTUNMAP), Error::Invalid);
  EXPECT_EQ(mremap_error(*space, A + 1, P, P, 0), Error::Invalid);
  EXPECT_EQ(mremap_error(*space, A, P, 0, 0), Error::Invalid);
  EXPECT_EQ(mremap_error(*space, A, P, kstd::U64_MAX, move), Error::Invalid);  // wraps to 0
  EXPECT_EQ(mremap_error(*space, A - P, P, 2 * P, move), Error::Fault);
  EXPECT_EQ(mremap_error(*space, A, 0, P, move), Error::Invalid);
  EXPECT_EQ(mremap_error(*space, A, 5 * P, 6 * P, move), Error::Fault);
  EXPECT_EQ(mremap_error(*space, A, 4 * P, 5 * P, move | MREMAP_FIXED, A + P + 1), Error::Invalid);
  EXPECT_EQ(mremap_error(*space, A, 4 * P, 5 * P, move | MREMAP_FIXED, A + 2 * P),
            Error::Invalid);  // overlap
  EXPECT_EQ(mremap_error(*space, A, 4 * P, 5 * P, move | MREMAP_FIXED, TASK_SIZE - P),
            Error::Invalid);
  EXPECT_EQ(mremap_error(*space, A, 4 * P, 5 * P, move | MREMAP_FIXED, 0x1000), Error::Permission);
  EXPECT_EQ(mremap_error(*space, A, 4 * P, 7 * P, 0), Error::NoMemory);
  EXPECT_EQ(vmas(), before);
  EXPECT_EQ(mapped(0, kstd::U64_MAX), table);
  check();
}

TEST_F(AddressSpaceMremap, DontExpandRefusesToGrowWithEfault) {
  map(A, 2 * P, RW, ANON | MAP_FIXED);
  space->vma_lookup(A)->vm_flags |= VM_DONTEXPAND;
  EXPECT_EQ(mremap_error(*space, A, 2 * P, 3 * P, MREMAP_MAYMOVE), Error::Fault);
  space->vma_lookup(A)->vm_flags = (space->vma_lookup(A)->vm_flags & ~VM_DONTEXPAND) | VM_IO;
  EXPECT_EQ(mremap_error(*space, A, 2 * P, 3 * P, MREMAP_MAYMOVE), Error::NoMemory);
  check();
}

TEST_F(AddressSpaceMremap, OutOfMemoryChangesNothing) {
  map_populated_a_and_b();
  const auto before = vmas();
  const auto table = mapped(0, kstd::U64_MAX);
  const int fixed = MREMAP_MAYMOVE | MREMAP_FIXED;
  for (long budget = 0; budget < 3; budget++) {
    heap.vma_budget = budget;
    EXPECT_EQ(mremap_error(*space, A + 2 * P, 3 * P, 3 * P, fixed, B + P), Error::NoMemory);
    EXPECT_EQ(vmas(), before);
    EXPECT_EQ(mapped(0, kstd::U64_MAX), table);
  }
  heap.vma_budget = -1;
  // Page tables running out while the pages move: the source stays whole, as in Linux the
  // target range is left empty.
  mmu.map_budget = 1;
  EXPECT_EQ(mremap_error(*space, A + 2 * P, 3 * P, 3 * P, fixed, 0x60000000), Error::NoMemory);
  mmu.map_budget = -1;
  EXPECT_EQ(vmas(), before);
  EXPECT_EQ(mapped(0, kstd::U64_MAX), table);
  check();
}

struct HookLog {
  std::vector<uint64_t> moved_to;
  std::vector<uint64_t> closed;
  bool refuse = false;
};

SpecialMapping logging_spec(HookLog* log) {
  SpecialMapping spec;
  spec.name = "[vdso]";
  spec.context = log;
  spec.mremap = [](const SpecialMapping&, AddressSpace&, Vma& vma, void* context) -> Result<void> {
    auto* log = static_cast<HookLog*>(context);
    if (log->refuse) return Error::Invalid;
    log->moved_to.push_back(vma.vm_start);
    return {};
  };
  spec.close = [](const SpecialMapping&, AddressSpace&, Vma& vma, void* context) {
    static_cast<HookLog*>(context)->closed.push_back(vma.vm_start);
  };
  return spec;
}

TEST_F(AddressSpaceMremap, SpecialMappingHooksRunOnMove) {
  HookLog log;
  const SpecialMapping spec = logging_spec(&log);
  alignas(4096) static unsigned char text[2][4096];
  const uint64_t backing[] = {reinterpret_cast<uint64_t>(text[0]),
                              reinterpret_cast<uint64_t>(text[1])};
  SpecialMapping with_pages = spec;
  with_pages.pages = backing;
  with_pages.page_count = 2;
  const uint64_t base = 0x7fffa8d70000;
  const uint64_t to = 0x7fff00000000;
  ASSERT_TRUE(
      space->install_special_mapping(base, 2 * P, VM_READ | VM_EXEC | MAY, with_pages).is_ok());
  touch(base + P, FaultAccess::Exec);
  EXPECT_EQ(mremap_error(*space, base, 2 * P, 3 * P, MREMAP_MAYMOVE), Error::Fault);
  EXPECT_EQ(mremap_error(*space, base, P, P, MREMAP_MAYMOVE | MREMAP_FIXED, to), Error::Invalid);
  EXPECT_EQ(mremap_error(*space, base, 2 * P, P, 0), Error::Invalid);  // shrink = split
  log.refuse = true;
  EXPECT_EQ(mremap_error(*space, base, 2 * P, 2 * P, MREMAP_MAYMOVE | MREMAP_FIXED, to),
            Error::Invalid);
  // Linux unmaps the refused new VMA, so its close hook runs; the old one stays.
  EXPECT_EQ(log.closed, std::vector<uint64_t>{to});
  EXPECT_EQ(space->vma_lookup(base)->special, &with_pages);
  EXPECT_EQ(mapped(0, kstd::U64_MAX),
            (std::map<uint64_t, FakePte>{{base + P, {backing[1], VM_READ | VM_EXEC}}}));
  log.refuse = false;
  log.closed.clear();
  EXPECT_EQ(remap(*space, base, 2 * P, 2 * P, MREMAP_MAYMOVE | MREMAP_FIXED, to), to);
  EXPECT_EQ(log.moved_to, std::vector<uint64_t>{to});
  EXPECT_EQ(log.closed, std::vector<uint64_t>{base});
  EXPECT_EQ(space->vma_lookup(base), nullptr);
  EXPECT_EQ(space->vma_lookup(to)->special, &with_pages);
  EXPECT_EQ(mapped(0, kstd::U64_MAX),
            (std::map<uint64_t, FakePte>{{to + P, {backing[1], VM_READ | VM_EXEC}}}));
  check();
  space.reset();
}

TEST_F(AddressSpaceMremap, FixedUnmapsTheTargetBeforeTheLaterChecksFail) {
  // mremap_to(): do_munmap() of the target, then of the shrunk tail, then vma_to_resize().
  constexpr uint64_t T = 0x40000000;
  constexpr VmFlags R_ = VM_READ | MAY;
  map(T + 20 * P, 4 * P, RW, ANON | MAP_FIXED);
  map(T + 10 * P, 2 * P, PROT_READ, ANON | MAP_FIXED);
  // The shrink's munmap of 2^62 - 1 pages is refused after the target went.
  EXPECT_EQ(mremap_error(*space, T + 20 * P, uint64_t{1} << 62, P, MREMAP_MAYMOVE | MREMAP_FIXED,
                         T + 10 * P),
            Error::Invalid);
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{T + 11 * P, T + 12 * P, R_, T / P + 11},
                                          {T + 20 * P, T + 24 * P, RW_, T / P + 20}}));
  // The old range leaves its VMA: Fault, with [T + 11p, T + 12p) unmapped first.
  EXPECT_EQ(
      mremap_error(*space, T + 20 * P, 8 * P, 9 * P, MREMAP_MAYMOVE | MREMAP_FIXED, T + 11 * P),
      Error::Fault);
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{T + 20 * P, T + 24 * P, RW_, T / P + 20}}));
  // old_len 0 of a private mapping: EINVAL, with the target unmapped first.
  map(T + 10 * P, 2 * P, PROT_READ, ANON | MAP_FIXED);
  EXPECT_EQ(mremap_error(*space, T + 20 * P, 0, P, MREMAP_MAYMOVE | MREMAP_FIXED, T + 10 * P),
            Error::Invalid);
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{T + 11 * P, T + 12 * P, R_, T / P + 11},
                                          {T + 20 * P, T + 24 * P, RW_, T / P + 20}}));
  // An old_len whose end wraps past 2^64 does not overlap a target above the source: the target
  // goes, then the shrink's length is refused.
  map(T + 30 * P, 2 * P, PROT_READ, ANON | MAP_FIXED);
  EXPECT_EQ(mremap_error(*space, T + 20 * P, uint64_t{0} - P, P, MREMAP_MAYMOVE | MREMAP_FIXED,
                         T + 30 * P),
            Error::Invalid);
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{T + 11 * P, T + 12 * P, R_, T / P + 11},
                                          {T + 20 * P, T + 24 * P, RW_, T / P + 20},
                                          {T + 31 * P, T + 32 * P, R_, T / P + 31}}));
  check();
}

}  // namespace
