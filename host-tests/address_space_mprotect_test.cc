// mprotect against Linux's do_mprotect_pkey (mm/mprotect.c v6.12): splits at both ends, merging
// back when flags become equal, the page tables following the new access bits, every error code
// and that a failed call changes nothing.

#include "host-tests/fake_mmu.h"

namespace {

using AddressSpaceMprotect = AddressSpaceTest;

constexpr uint64_t A = 0x40000000;
constexpr VmFlags MAY = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
constexpr VmFlags R = VM_READ | MAY;
constexpr VmFlags RW_ = VM_READ | VM_WRITE | MAY | VM_ACCOUNT;

std::optional<Error> mprotect_error(AddressSpace& space, uint64_t start, uint64_t len, int prot) {
  return error_of(space.mprotect(start, len, prot));
}

TEST_F(AddressSpaceMprotect, SplitsInTheMiddleAndProtectsPresentPages) {
  map(A, 6 * P, RW, ANON | MAP_FIXED);
  for (uint64_t i = 0; i < 6; i++) touch(A + i * P);
  const auto before = mapped(A, A + 6 * P);
  ASSERT_TRUE(space->mprotect(A + 2 * P, 2 * P - 7, PROT_READ).is_ok());
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{A, A + 2 * P, RW_, A / P},
                                          {A + 2 * P, A + 4 * P, R | VM_ACCOUNT, A / P + 2},
                                          {A + 4 * P, A + 6 * P, RW_, A / P + 4}}));
  auto expected = before;
  expected[A + 2 * P].flags = VM_READ;
  expected[A + 3 * P].flags = VM_READ;
  EXPECT_EQ(mapped(A, A + 6 * P), expected);  // same pages, new access bits
  EXPECT_EQ(fault(A + 2 * P, FaultAccess::Write).code, FaultCode::SegvAccErr);
  // Back to read-write: all three merge into one VMA again.
  ASSERT_TRUE(space->mprotect(A + 2 * P, 2 * P, RW).is_ok());
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{A, A + 6 * P, RW_, A / P}}));
  EXPECT_EQ(mapped(A, A + 6 * P), before);
  check();
}

TEST_F(AddressSpaceMprotect, MergesWithTheNeighbourItNowMatches) {
  map(A, 2 * P, PROT_READ, ANON | MAP_FIXED);
  map(A + 2 * P, 4 * P, RW, ANON | MAP_FIXED);
  // The head of the second VMA joins the first: a boundary move, no new VMA.
  ASSERT_TRUE(space->mprotect(A + 2 * P, P, PROT_READ).is_ok());
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{A, A + 3 * P, R, A / P},
                                          {A + 3 * P, A + 6 * P, RW_, A / P + 3}}));
  // Across both: everything read-write, one VMA.
  ASSERT_TRUE(space->mprotect(A, 6 * P, RW).is_ok());
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{A, A + 6 * P, RW_, A / P}}));
  check();
}

TEST_F(AddressSpaceMprotect, SpansManyVmasAndKeepsOtherFlags) {
  map(A, 2 * P, PROT_READ, ANON | MAP_FIXED);
  map(A + 2 * P, 2 * P, PROT_READ | PROT_EXEC, ANON | MAP_FIXED | MAP_GROWSDOWN);
  map(A + 4 * P, 2 * P, RW, ANON | MAP_FIXED);
  ASSERT_TRUE(space->mprotect(A + P, 4 * P, PROT_NONE).is_ok());
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{A, A + P, R, A / P},
                                          {A + P, A + 2 * P, MAY, A / P + 1},
                                          {A + 2 * P, A + 4 * P, MAY | VM_GROWSDOWN, A / P + 2},
                                          {A + 4 * P, A + 5 * P, MAY, A / P + 4},
                                          {A + 5 * P, A + 6 * P, RW_, A / P + 5}}));
  check();
}

TEST_F(AddressSpaceMprotect, NothingToChangeTouchesNothing) {
  map(A, 4 * P, RW, ANON | MAP_FIXED);
  touch(A);
  mmu.calls.clear();
  ASSERT_TRUE(space->mprotect(A + P, P, RW).is_ok());
  EXPECT_TRUE(space->mprotect(A, 0, PROT_READ).is_ok());  // len 0: success, no change
  EXPECT_EQ(space->map_count(), 1u);
  EXPECT_TRUE(mmu.calls.empty());
  check();
}

TEST_F(AddressSpaceMprotect, ErrorCodes) {
  map(A, 2 * P, RW, ANON | MAP_FIXED);
  map(A + 3 * P, 2 * P, RW, ANON | MAP_FIXED);
  const auto before = vmas();
  EXPECT_EQ(mprotect_error(*space, A + 1, P, PROT_READ), Error::Invalid);
  EXPECT_EQ(mprotect_error(*space, A, P, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP),
            Error::Invalid);
  EXPECT_EQ(mprotect_error(*space, A, P, 0x40), Error::Invalid);
  EXPECT_EQ(mprotect_error(*space, A, P, PROT_READ | PROT_MTE), Error::Invalid);  // no MTE
  EXPECT_EQ(mprotect_error(*space, A, kstd::U64_MAX, PROT_READ), Error::NoMemory);
  EXPECT_EQ(mprotect_error(*space, kstd::U64_MAX & ~(P - 1), 2 * P, PROT_READ), Error::NoMemory);
  // A hole: at the start, in the middle, at the end.
  EXPECT_EQ(mprotect_error(*space, A - P, 2 * P, PROT_READ), Error::NoMemory);
  EXPECT_EQ(mprotect_error(*space, A, 5 * P, PROT_READ), Error::NoMemory);
  EXPECT_EQ(mprotect_error(*space, A + 3 * P, 3 * P, PROT_READ), Error::NoMemory);
  EXPECT_EQ(mprotect_error(*space, A + 10 * P, P, PROT_READ), Error::NoMemory);
  EXPECT_EQ(mprotect_error(*space, A, P, PROT_READ | PROT_GROWSDOWN), Error::Invalid);
  EXPECT_EQ(mprotect_error(*space, A, P, PROT_READ | PROT_GROWSUP), Error::Invalid);
  // The holes in the middle and at the end were found after the VMAs before them changed.
  EXPECT_NE(vmas(), before);
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{A, A + 2 * P, VM_READ | MAY, A / P},
                                          {A + 3 * P, A + 5 * P, VM_READ | MAY, A / P + 3}}));
  check();
}

TEST_F(AddressSpaceMprotect, MayBitsDecideAccess) {
  VmFile file{"/f", 8 * P, 8, 1, 7};
  ASSERT_TRUE(space->mmap(A, 2 * P, PROT_READ, MAP_SHARED | MAP_FIXED, &file, 0).is_ok());
  Vma* vma = space->vma_lookup(A);
  // A file opened read-only: Linux clears VM_MAYWRITE for a shared mapping of it.
  vma->vm_flags &= ~VM_MAYWRITE;
  EXPECT_EQ(mprotect_error(*space, A, P, RW), Error::Access);
  EXPECT_TRUE(space->mprotect(A, P, PROT_READ | PROT_EXEC).is_ok());
  check();
}

TEST_F(AddressSpaceMprotect, FirstErrorInAddressOrderWins) {
  map(A, 2 * P, RW, ANON | MAP_FIXED);
  map(A + 2 * P, 2 * P, RW, ANON | MAP_FIXED | MAP_GROWSDOWN);
  space->vma_lookup(A + 2 * P)->vm_flags &= ~VM_MAYWRITE;
  // The hole after the second VMA comes after its EACCES.
  EXPECT_EQ(mprotect_error(*space, A, 6 * P, RW), Error::Access);
  space->vma_lookup(A + 2 * P)->vm_flags |= VM_MAYWRITE;
  EXPECT_EQ(mprotect_error(*space, A, 6 * P, RW), Error::NoMemory);
  // PROT_GROWSDOWN extends the start down to the VMA's start.
  ASSERT_TRUE(space->mprotect(A + 3 * P, P, PROT_READ | PROT_GROWSDOWN).is_ok());
  EXPECT_EQ(space->vma_lookup(A + 2 * P)->vm_start, A + 2 * P);
  EXPECT_EQ(space->vma_lookup(A + 2 * P)->vm_flags & VM_ACCESS_FLAGS, VM_READ);
  check();
}

TEST_F(AddressSpaceMprotect, MteNeedsMteAllowedAndStays) {
  AddressSpaceLayout layout = default_layout();
  layout.mte = true;
  make_space(layout);
  VmFile file{"/f", 8 * P, 8, 1, 7};
  const uint64_t anon = map(0, 2 * P, RW);
  ASSERT_TRUE(space->mprotect(anon, P, RW | PROT_MTE).is_ok());
  EXPECT_TRUE(space->vma_lookup(anon)->vm_flags & VM_MTE);
  EXPECT_FALSE(space->vma_lookup(anon + P)->vm_flags & VM_MTE);
  // Dropping PROT_MTE does not clear VM_MTE, as on arm64.
  ASSERT_TRUE(space->mprotect(anon, P, PROT_READ).is_ok());
  EXPECT_TRUE(space->vma_lookup(anon)->vm_flags & VM_MTE);
  ASSERT_TRUE(space->mmap(A, P, RW, MAP_PRIVATE | MAP_FIXED, &file, 0).is_ok());
  EXPECT_EQ(mprotect_error(*space, A, P, RW | PROT_MTE), Error::Invalid);
  // A shmem (tmpfs) file's mappings may be tagged, as anonymous memory may.
  VmFile shmem{"/s", 8 * P, 8, 1, 8};
  shmem.shmem = true;
  ASSERT_TRUE(space->mmap(A + 2 * P, P, RW, MAP_PRIVATE | MAP_FIXED, &shmem, 0).is_ok());
  ASSERT_TRUE(space->mprotect(A + 2 * P, P, RW | PROT_MTE).is_ok());
  EXPECT_TRUE(space->vma_lookup(A + 2 * P)->vm_flags & VM_MTE);
  check();
}

TEST_F(AddressSpaceMprotect, SpecialMappingsChangeWholeOrNotAtAll) {
  SpecialMapping spec;
  spec.name = "[vdso]";
  const uint64_t base = 0x7fffa8d70000;
  ASSERT_TRUE(space->install_special_mapping(base, 2 * P, VM_READ | VM_EXEC | MAY, spec).is_ok());
  EXPECT_EQ(mprotect_error(*space, base, P, PROT_READ), Error::Invalid);
  // Same flags on part of it: nothing to split, so it succeeds.
  EXPECT_TRUE(space->mprotect(base, P, PROT_READ | PROT_EXEC).is_ok());
  ASSERT_TRUE(space->mprotect(base, 2 * P, PROT_READ).is_ok());
  EXPECT_EQ(space->vma_lookup(base)->vm_flags & VM_ACCESS_FLAGS, VM_READ);
  EXPECT_EQ(space->map_count(), 1u);
  space.reset();
}

TEST_F(AddressSpaceMprotect, MapCountAndOutOfMemoryChangeNothing) {
  AddressSpaceLayout layout = default_layout();
  layout.max_map_count = 2;
  make_space(layout);
  map(A, 10 * P, RW, ANON | MAP_FIXED);
  EXPECT_EQ(mprotect_error(*space, A + 2 * P, P, PROT_READ), Error::NoMemory);
  EXPECT_TRUE(space->mprotect(A, P, PROT_READ).is_ok());  // one split fits
  make_space(default_layout());
  map(A, 10 * P, RW, ANON | MAP_FIXED);
  const auto before = vmas();
  heap.vma_budget = 1;  // the first split but not the second
  EXPECT_EQ(mprotect_error(*space, A + 2 * P, P, PROT_READ), Error::NoMemory);
  EXPECT_EQ(vmas(), before);
  heap.vma_budget = -1;
  make_space(default_layout());
  map(A, 64 * P, RW, ANON | MAP_FIXED);
  ASSERT_TRUE(space->mprotect(A, P, PROT_EXEC).is_ok());  // fills the tree's spare pool
  heap.node_budget = 0;
  // Alternate protections until the root leaf is full and a split would need a node.
  std::optional<Error> last;
  for (uint64_t i = 1; i < 32 && !last; i++) {
    last = error_of(space->mprotect(A + 2 * i * P, P, i % 2 ? PROT_READ : PROT_NONE));
  }
  EXPECT_EQ(last, Error::NoMemory);
  const auto full = vmas();
  EXPECT_GE(full.size(), VmaTree::LEAF_CAP - 1);
  mmu.calls.clear();
  EXPECT_EQ(mprotect_error(*space, full.back().start + P, P, PROT_EXEC), Error::NoMemory);
  EXPECT_EQ(vmas(), full);
  EXPECT_TRUE(mmu.calls.empty());
  heap.node_budget = -1;
  check();
}

TEST_F(AddressSpaceMprotect, AHoleFailsAfterTheVmasBeforeItChanged) {
  // do_mprotect_pkey() changes VMA after VMA and finds the hole only once there.
  constexpr uint64_t T = 0x40000000;
  map(T, 2 * P, RW, ANON | MAP_FIXED);
  touch(T);
  EXPECT_EQ(error_of(space->mprotect(T, 3 * P, PROT_READ)), Error::NoMemory);
  // Written, so still accounted.
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{T, T + 2 * P, VM_READ | MAY | VM_ACCOUNT, T / P}}));
  EXPECT_EQ(mapped(T, T + P).at(T).flags, VM_READ);
  // A hole between two VMAs: the first changes, the second does not.
  map(T + 3 * P, P, RW, ANON | MAP_FIXED);
  EXPECT_EQ(error_of(space->mprotect(T, 4 * P, PROT_NONE)), Error::NoMemory);
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{T, T + 2 * P, MAY | VM_ACCOUNT, T / P},
                                          {T + 3 * P, T + 4 * P, RW_, T / P + 3}}));
  check();
}

}  // namespace
