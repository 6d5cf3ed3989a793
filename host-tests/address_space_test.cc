// AddressSpace::mmap and munmap against Linux's rules (mm/mmap.c, mm/vma.c v6.12): placement,
// MAP_FIXED replacement and splitting, merging, every error code, and that a failed call changes
// nothing.

#include "host-tests/fake_mmu.h"

namespace {

using AddressSpaceMmap = AddressSpaceTest;
using AddressSpaceMunmap = AddressSpaceTest;

TEST_F(AddressSpaceMmap, TopDownBelowMmapBaseAndMergesWithTheNeighbour) {
  EXPECT_EQ(map(0, 3 * P), MMAP_BASE - 3 * P);
  // The next one lands right below, continues the offsets and so merges (one VMA).
  EXPECT_EQ(map(0, 2 * P), MMAP_BASE - 5 * P);
  const VmFlags rw = VM_READ | VM_WRITE | MAY | VM_ACCOUNT;
  EXPECT_EQ(vmas(),
            (std::vector<VmaView>{{MMAP_BASE - 5 * P, MMAP_BASE, rw, (MMAP_BASE - 5 * P) / P}}));
  check();
}

TEST_F(AddressSpaceMmap, DifferentProtectionDoesNotMerge) {
  map(0, P, PROT_READ);
  map(0, P, RW);
  EXPECT_EQ(space->map_count(), 2u);
  check();
}

TEST_F(AddressSpaceMmap, HintIsTakenRoundedDownOrMovedUpToMinAddr) {
  EXPECT_EQ(map(0x100000123, P), 0x100000000u);
  EXPECT_EQ(map(0x1000, P), 0x10000u);
  // An occupied hint falls back to the top-down search.
  EXPECT_EQ(map(0x100000000, P), MMAP_BASE - P);
  // A hint whose range would pass the task size is not taken either.
  EXPECT_EQ(map(TASK_SIZE - P, 2 * P), MMAP_BASE - 3 * P);
  check();
}

TEST_F(AddressSpaceMmap, BottomUpWhenNothingFitsBelowMmapBase) {
  AddressSpaceLayout layout = default_layout();
  layout.mmap_base = 0x100000;
  make_space(layout);
  EXPECT_EQ(map(0, 0x100000), UNMAPPED_BASE);
  check();
}

TEST_F(AddressSpaceMmap, FixedSplitsAndReplaces) {
  const uint64_t a = 0x40000000;
  ASSERT_EQ(map(a, 10 * P), a);
  mmu.calls.clear();
  ASSERT_EQ(map(a + 3 * P, 2 * P, PROT_READ, ANON | MAP_FIXED), a + 3 * P);
  const VmFlags rw = VM_READ | VM_WRITE | MAY | VM_ACCOUNT;
  const VmFlags r = VM_READ | MAY;
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{a, a + 3 * P, rw, a / P},
                                          {a + 3 * P, a + 5 * P, r, a / P + 3},
                                          {a + 5 * P, a + 10 * P, rw, a / P + 5}}));
  EXPECT_EQ(mmu.calls, (std::vector<MmuCall>{{"unmap", a + 3 * P, a + 5 * P}}));
  // Fixed over all three and beyond: one VMA again, the old ones freed.
  ASSERT_EQ(map(a - P, 12 * P, PROT_READ, ANON | MAP_FIXED), a - P);
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{a - P, a + 11 * P, r, a / P - 1}}));
  check();
}

TEST_F(AddressSpaceMmap, FixedOverACompatibleMappingKeepsOneVma) {
  const uint64_t a = 0x40000000;
  map(a, 8 * P);
  mmu.calls.clear();
  ASSERT_EQ(map(a + 2 * P, 2 * P, RW, ANON | MAP_FIXED), a + 2 * P);
  EXPECT_EQ(space->map_count(), 1u);
  // The range is still emptied: fresh zero pages after MAP_FIXED.
  EXPECT_EQ(mmu.calls, (std::vector<MmuCall>{{"unmap", a + 2 * P, a + 4 * P}}));
  check();
}

TEST_F(AddressSpaceMmap, FillingAHoleMergesBothSides) {
  const uint64_t a = 0x40000000;
  map(a, 2 * P, RW, ANON | MAP_FIXED);
  map(a + 3 * P, 2 * P, RW, ANON | MAP_FIXED);
  EXPECT_EQ(space->map_count(), 2u);
  map(a + 2 * P, P, RW, ANON | MAP_FIXED);
  EXPECT_EQ(vmas(),
            (std::vector<VmaView>{{a, a + 5 * P, VM_READ | VM_WRITE | MAY | VM_ACCOUNT, a / P}}));
  check();
}

TEST_F(AddressSpaceMmap, NamesFilesAndSharingDecideMerging) {
  const uint64_t a = 0x40000000;
  ASSERT_TRUE(space->mmap(a, P, RW, ANON | MAP_FIXED, nullptr, 0, "x").is_ok());
  ASSERT_TRUE(space->mmap(a + P, P, RW, ANON | MAP_FIXED, nullptr, 0, "y").is_ok());
  EXPECT_EQ(space->map_count(), 2u);
  ASSERT_TRUE(space->mmap(a + 2 * P, P, RW, ANON | MAP_FIXED, nullptr, 0, "y").is_ok());
  EXPECT_EQ(space->map_count(), 2u);

  VmFile file{"/lib/x.so", 16 * P, 8, 1, 42};
  const uint64_t b = 0x50000000;
  ASSERT_TRUE(space->mmap(b, P, PROT_READ, MAP_PRIVATE | MAP_FIXED, &file, 0).is_ok());
  ASSERT_TRUE(space->mmap(b + P, P, PROT_READ, MAP_PRIVATE | MAP_FIXED, &file, P).is_ok());
  EXPECT_EQ(space->map_count(), 3u);  // contiguous offsets: merged
  ASSERT_TRUE(space->mmap(b + 2 * P, P, PROT_READ, MAP_PRIVATE | MAP_FIXED, &file, 5 * P).is_ok());
  EXPECT_EQ(space->map_count(), 4u);

  const uint64_t c = 0x60000000;
  map(c, P, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED);
  map(c + P, P, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED);
  EXPECT_EQ(space->map_count(), 6u);
  Vma* shared = space->vma_lookup(c);
  ASSERT_NE(shared, nullptr);
  EXPECT_EQ(shared->vm_flags & (VM_SHARED | VM_MAYSHARE), VM_SHARED | VM_MAYSHARE);
  EXPECT_EQ(shared->vm_pgoff, 0u);
  check();
}

TEST_F(AddressSpaceMmap, FixedNoReplace) {
  const uint64_t a = 0x40000000;
  map(a, 4 * P);
  const auto before = vmas();
  EXPECT_EQ(mmap_error(a + 3 * P, 2 * P, RW, ANON | MAP_FIXED_NOREPLACE), Error::Exists);
  EXPECT_EQ(vmas(), before);
  EXPECT_EQ(map(a + 4 * P, P, PROT_READ, ANON | MAP_FIXED_NOREPLACE), a + 4 * P);
  check();
}

TEST_F(AddressSpaceMmap, ArgumentErrors) {
  VmFile file{"/f", P, 0, 0, 1};
  EXPECT_EQ(mmap_error(0, 0, RW, ANON), Error::Invalid);
  EXPECT_EQ(mmap_error(0, P, RW, MAP_ANONYMOUS), Error::Invalid);
  EXPECT_EQ(mmap_error(0, P, RW, ANON | 0x0f), Error::Invalid);
  EXPECT_EQ(mmap_error(0, P, RW, MAP_PRIVATE, &file, 123), Error::Invalid);
  EXPECT_EQ(mmap_error(0, P, RW, MAP_PRIVATE), Error::BadFile);
  EXPECT_EQ(mmap_error(0, kstd::U64_MAX, RW, ANON), Error::NoMemory);
  EXPECT_EQ(mmap_error(0, TASK_SIZE, RW, ANON), Error::NoMemory);
  EXPECT_EQ(mmap_error(0x40000001, P, RW, ANON | MAP_FIXED), Error::Invalid);
  EXPECT_EQ(mmap_error(0x1000, P, RW, ANON | MAP_FIXED), Error::Permission);
  EXPECT_EQ(mmap_error(TASK_SIZE - P, 2 * P, RW, ANON | MAP_FIXED), Error::NoMemory);
  EXPECT_EQ(mmap_error(kstd::U64_MAX & ~(P - 1), P, RW, ANON | MAP_FIXED), Error::NoMemory);
  EXPECT_TRUE(vmas().empty());
  check();
}

TEST_F(AddressSpaceMmap, FullSpaceIsNoMemory) {
  AddressSpaceLayout layout = default_layout();
  layout.task_size = 0x100000;
  layout.mmap_window = layout.task_size;
  layout.mmap_base = 0x80000;
  layout.unmapped_base = 0x40000;
  make_space(layout);
  EXPECT_EQ(map(0, 0x70000), 0x10000u);
  EXPECT_EQ(map(0, 0x80000, PROT_READ), 0x80000u);  // bottom-up above mmap_base
  EXPECT_EQ(mmap_error(0, P, RW, ANON), Error::NoMemory);
  check();
}

// arm64 with 52-bit user VAs (arch_get_mmap_end, arch_get_mmap_base): TASK_SIZE above the default
// window, which only a hint above the window lets a placement reach; such a hint, when not taken,
// searches top-down from mmap_base raised by TASK_SIZE - window.
TEST_F(AddressSpaceMmap, OnlyAHintAboveTheWindowPlacesAboveIt) {
  constexpr uint64_t W = TASK_SIZE;
  constexpr uint64_t T = TASK_SIZE << 2;
  AddressSpaceLayout layout = default_layout();
  layout.task_size = T;
  make_space(layout);
  EXPECT_EQ(map(0, P), MMAP_BASE - P);
  EXPECT_EQ(map(W - P, P), W - P);
  EXPECT_EQ(map(W - P, 2 * P), MMAP_BASE - 3 * P);  // would end above the window
  EXPECT_EQ(map(W, P), MMAP_BASE - 4 * P);          // at the window's end is not above it
  EXPECT_EQ(map(W + P, P), W + P);
  EXPECT_EQ(map(W + P, P), MMAP_BASE + (T - W) - P);  // taken: the raised search
  EXPECT_EQ(map(T - P, P), T - P);
  EXPECT_EQ(map(T - P, 2 * P), MMAP_BASE + (T - W) - 3 * P);
  EXPECT_EQ(map(T, P), MMAP_BASE + (T - W) - 4 * P);
  EXPECT_EQ(map(T - 3 * P, P, RW, ANON | MAP_FIXED), T - 3 * P);
  EXPECT_EQ(mmap_error(T, P, RW, ANON | MAP_FIXED), Error::NoMemory);
  EXPECT_EQ(mmap_error(T - P, 2 * P, RW, ANON | MAP_FIXED_NOREPLACE), Error::NoMemory);
  EXPECT_EQ(mmap_error(T - P, P, RW, ANON | MAP_FIXED_NOREPLACE), Error::Exists);
  EXPECT_EQ(munmap_error(T, P), Error::Invalid);
  EXPECT_EQ(munmap_error(W, T - W), std::nullopt);
  EXPECT_EQ(vmas().back().end, W);
  check();
}

// Without a hint above the window, the bottom-up fallback ends at the window too.
TEST_F(AddressSpaceMmap, TheBottomUpFallbackEndsAtTheWindow) {
  AddressSpaceLayout layout = default_layout();
  layout.task_size = 0x200000;
  layout.mmap_window = 0x100000;
  layout.mmap_base = 0x80000;
  layout.unmapped_base = 0x40000;
  make_space(layout);
  EXPECT_EQ(map(0, 0x70000), 0x10000u);
  EXPECT_EQ(map(0, 0x80000, PROT_READ), 0x80000u);  // bottom-up above mmap_base
  EXPECT_EQ(mmap_error(0, P, RW, ANON), Error::NoMemory);
  EXPECT_EQ(mmap_error(0x80000, P, RW, ANON), Error::NoMemory);
  EXPECT_EQ(map(0x100000 + P, P), 0x100000 + P);
  EXPECT_EQ(map(0x100000 + P, P), 0x180000 - P);  // mmap_base + 0x100000, the raised search
  // Nothing below the raised base fits this one: bottom-up from unmapped_base up to TASK_SIZE.
  EXPECT_EQ(map(0x100000 + 2 * P, 0x80000, PROT_READ), 0x180000u);
  check();
}

TEST_F(AddressSpaceMmap, MapCountLimitCountsLikeLinux) {
  AddressSpaceLayout layout = default_layout();
  layout.max_map_count = 3;
  make_space(layout);
  // do_mmap refuses only once the count is already above the limit.
  for (int i = 0; i < 4; i++) map(0, P, i % 2 ? RW : PROT_READ);
  EXPECT_EQ(space->map_count(), 4u);
  EXPECT_EQ(mmap_error(0, P, PROT_EXEC, ANON), Error::NoMemory);
  check();
}

TEST_F(AddressSpaceMmap, OutOfMemoryChangesNothing) {
  const uint64_t a = 0x40000000;
  map(a, 10 * P);
  const auto before = vmas();
  mmu.calls.clear();
  heap.vma_budget = 0;
  EXPECT_EQ(mmap_error(a + 2 * P, P, PROT_READ, ANON | MAP_FIXED), Error::NoMemory);
  heap.vma_budget = 1;  // the new VMA but not the tail of the split
  EXPECT_EQ(mmap_error(a + 2 * P, P, PROT_READ, ANON | MAP_FIXED), Error::NoMemory);
  heap.vma_budget = -1;
  heap.node_budget = 0;
  // Enough single mappings to need a second leaf.
  for (uint64_t i = 0; i < VmaTree::LEAF_CAP; i++) {
    space->mmap(0x50000000 + 2 * i * P, P, RW, ANON | MAP_FIXED).is_ok();
  }
  const auto full = vmas();
  EXPECT_LT(full.size(), VmaTree::LEAF_CAP + 1);
  EXPECT_EQ(mmap_error(0x70000000, P, RW, ANON | MAP_FIXED), Error::NoMemory);
  EXPECT_EQ(vmas(), full);
  EXPECT_TRUE(mmu.calls.empty());
  check();
}

TEST_F(AddressSpaceMmap, MteNeedsSupportAndAnonymousMemory) {
  VmFile file{"/f", 4 * P, 0, 0, 1};
  // Without MTE support PROT_MTE is ignored, as arm64 Linux does on a CPU without MTE.
  const uint64_t plain = map(0, P, RW | PROT_MTE);
  EXPECT_EQ(space->vma_lookup(plain)->vm_flags & (VM_MTE | VM_MTE_ALLOWED), 0u);
  AddressSpaceLayout layout = default_layout();
  layout.mte = true;
  make_space(layout);
  const uint64_t tagged = map(0, P, RW | PROT_MTE);
  EXPECT_EQ(space->vma_lookup(tagged)->vm_flags & (VM_MTE | VM_MTE_ALLOWED),
            VM_MTE | VM_MTE_ALLOWED);
  // Its untagged neighbour may take tags later (mprotect) but differs now: no merge.
  const uint64_t untagged = map(0, P, RW);
  EXPECT_EQ(space->vma_lookup(untagged)->vm_flags & (VM_MTE | VM_MTE_ALLOWED), VM_MTE_ALLOWED);
  EXPECT_EQ(space->map_count(), 2u);
  EXPECT_EQ(mmap_error(0, P, RW | PROT_MTE, MAP_PRIVATE, &file), Error::Invalid);
  Result<uint64_t> untagged_file = space->mmap(0, P, RW, MAP_PRIVATE, &file, 0);
  ASSERT_TRUE(untagged_file.is_ok());
  EXPECT_EQ(space->vma_lookup(untagged_file.value())->vm_flags & VM_MTE_ALLOWED, 0u);
  check();
}

TEST_F(AddressSpaceMmap, GrowsDownOnlyForPrivateMappings) {
  const uint64_t stack = map(0, 4 * P, RW, ANON | MAP_GROWSDOWN);
  EXPECT_TRUE(space->vma_lookup(stack)->vm_flags & VM_GROWSDOWN);
  EXPECT_EQ(mmap_error(0, P, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN), Error::Invalid);
  check();
}

TEST_F(AddressSpaceMunmap, SplitsInTheMiddle) {
  const uint64_t a = 0x40000000;
  map(a, 10 * P);
  mmu.calls.clear();
  ASSERT_TRUE(space->munmap(a + 4 * P, 2 * P - 100).is_ok());  // the length rounds up
  const VmFlags rw = VM_READ | VM_WRITE | MAY | VM_ACCOUNT;
  EXPECT_EQ(vmas(), (std::vector<VmaView>{{a, a + 4 * P, rw, a / P},
                                          {a + 6 * P, a + 10 * P, rw, a / P + 6}}));
  EXPECT_EQ(mmu.calls, (std::vector<MmuCall>{{"unmap", a + 4 * P, a + 6 * P}}));
  check();
}

TEST_F(AddressSpaceMunmap, SpansManyVmasAndHoles) {
  const uint64_t a = 0x40000000;
  for (int i = 0; i < 6; i++) map(a + 3 * i * P, 2 * P, i % 2 ? RW : PROT_READ, ANON | MAP_FIXED);
  ASSERT_EQ(space->map_count(), 6u);
  // From inside the first to inside the last: trims both ends, removes four.
  ASSERT_TRUE(space->munmap(a + P, 15 * P).is_ok());
  const VmFlags r = VM_READ | MAY;
  const VmFlags rw = VM_READ | VM_WRITE | MAY | VM_ACCOUNT;
  EXPECT_EQ(vmas(),
            (std::vector<VmaView>{{a, a + P, r, a / P}, {a + 16 * P, a + 17 * P, rw, a / P + 16}}));
  // Nothing there: still success, and the page tables are not touched.
  mmu.calls.clear();
  EXPECT_TRUE(space->munmap(a + 4 * P, 8 * P).is_ok());
  EXPECT_TRUE(mmu.calls.empty());
  check();
}

TEST_F(AddressSpaceMunmap, ArgumentErrors) {
  EXPECT_EQ(munmap_error(0x40000001, P), Error::Invalid);
  EXPECT_EQ(munmap_error(0x40000000, 0), Error::Invalid);
  EXPECT_EQ(munmap_error(TASK_SIZE + P, P), Error::Invalid);
  EXPECT_EQ(munmap_error(TASK_SIZE - P, 2 * P), Error::Invalid);
  EXPECT_EQ(munmap_error(P, kstd::U64_MAX), Error::Invalid);
  EXPECT_TRUE(space->munmap(TASK_SIZE - P, P).is_ok());
}

TEST_F(AddressSpaceMunmap, SplitFailuresChangeNothing) {
  AddressSpaceLayout layout = default_layout();
  layout.max_map_count = 2;
  make_space(layout);
  const uint64_t a = 0x40000000;
  map(a, 10 * P);
  map(a + 20 * P, 10 * P);
  const auto before = vmas();
  // A split needs one more VMA than the limit allows.
  EXPECT_EQ(munmap_error(a + 2 * P, P), Error::NoMemory);
  // Trimming needs no split and works at the limit.
  EXPECT_TRUE(space->munmap(a + 29 * P, P).is_ok());
  layout.max_map_count = 100;
  make_space(layout);
  map(a, 10 * P);
  heap.vma_budget = 0;
  EXPECT_EQ(munmap_error(a + 2 * P, P), Error::NoMemory);
  EXPECT_EQ(space->map_count(), 1u);
  EXPECT_EQ(space->vma_lookup(a)->vm_end, a + 10 * P);
  heap.vma_budget = -1;
  EXPECT_TRUE(space->munmap(a, 10 * P).is_ok());
  EXPECT_EQ(before.size(), 2u);
  check();
}

}  // namespace
