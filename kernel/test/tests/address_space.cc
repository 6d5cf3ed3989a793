// The arch-neutral address space in the kernel itself: mmap placement and merging, the stack
// guard gap, MAP_FIXED splits, munmap, mprotect, mremap, brk, special mappings and their
// /proc/PID/maps lines. VMAs and tree nodes come from static pools; the MMU is a stand-in that
// only counts calls, since these tests check the VMA bookkeeping, not page tables.

#include "kernel/mm/address_space.h"
#include "kernel/mm/maps.h"
#include "kernel/test/static_pool.h"
#include "kernel/test/test.h"

namespace {

constexpr uint64_t P = PAGE_SIZE;
constexpr uint64_t TASK_SIZE = uint64_t{1} << 47;
constexpr uint64_t MMAP_BASE = 0x7ff000000000;
constexpr uint64_t START_BRK = 0x555555560000;
constexpr int RW = PROT_READ | PROT_WRITE;
constexpr int ANON = MAP_PRIVATE | MAP_ANONYMOUS;
constexpr uint32_t VMA_SLOTS = 64;
constexpr uint32_t NODE_SLOTS = 32;

StaticPool<Vma, VMA_SLOTS> g_vmas;
StaticPool<TreeNodeBlock, NODE_SLOTS> g_nodes;

// What the stand-in MMU and the special mapping's close hook saw.
struct Calls {
  uint32_t unmaps;
  uint32_t closes;
};
Calls g_calls;

// Space for the object itself, constructed in place so that every test starts from fresh
// pools and tears the space down before the next one.
alignas(AddressSpace) unsigned char g_space_storage[sizeof(AddressSpace)];

AddressSpace& fresh_space() {
  g_vmas.reset();
  g_nodes.reset();
  g_calls = Calls{};
  AddressSpaceLayout layout;
  layout.mmap_min_addr = 0x10000;
  layout.mmap_base = MMAP_BASE;
  layout.task_size = TASK_SIZE;
  layout.mmap_window = layout.task_size;
  layout.unmapped_base = 0x200000000000;
  layout.start_brk = layout.brk = START_BRK;
  const VmaAllocator vmas = vma_allocator(g_vmas);
  const VmaTreeAllocator nodes = node_allocator(g_nodes);
  MmuOps mmu;
  mmu.map = [](void*, uint64_t, uint64_t, uint64_t, VmFlags) -> Result<void> { return {}; };
  mmu.unmap = [](void* context, uint64_t, uint64_t) { static_cast<Calls*>(context)->unmaps++; };
  mmu.protect = [](void*, uint64_t, uint64_t, VmFlags) {};
  mmu.remap = [](void*, uint64_t, uint64_t, VmFlags) { VERIFY_NOT_REACHED(); };
  mmu.walk = [](void*, uint64_t, uint64_t, MmuVisitFn, void*) {};
  mmu.context = &g_calls;
  // These tests never fault, so no page is ever asked for.
  PageSource pages;
  pages.alloc_zeroed = [](void*) -> Result<uint64_t> { return Error::NoMemory; };
  pages.free = [](void*, uint64_t) { VERIFY_NOT_REACHED(); };
  pages.context = nullptr;
  pages.zero_page = 0;  // never mapped either
  return *new (g_space_storage) AddressSpace(layout, vmas, nodes, mmu, pages);
}

char g_text[512];

const char* render(const AddressSpace& space) {
  BufferSink sink(g_text, sizeof(g_text));
  space.render_maps(sink);
  VERIFY(!sink.truncated());
  return sink.c_str();
}

}  // namespace

KTEST(address_space, top_down_placement_merges_neighbours) {
  AddressSpace& space = fresh_space();
  Result<uint64_t> first = space.mmap(0, 3 * P, RW, ANON);
  ASSERT_OK(first);
  EXPECT_EQ(first.value(), MMAP_BASE - 3 * P);
  Result<uint64_t> second = space.mmap(0, 2 * P, RW, ANON);
  ASSERT_OK(second);
  EXPECT_EQ(second.value(), MMAP_BASE - 5 * P);
  EXPECT_EQ(space.map_count(), 1u);
  Vma* vma = space.vma_lookup(MMAP_BASE - P);
  ASSERT_NOT_NULL(vma);
  EXPECT_EQ(vma->vm_start, MMAP_BASE - 5 * P);
  EXPECT_EQ(vma->vm_pgoff, (MMAP_BASE - 5 * P) / P);
  EXPECT_OK(space.tree().validate());
  space.~AddressSpace();
  EXPECT_EQ(g_vmas.live(), 0u);
}

KTEST(address_space, fixed_split_and_munmap) {
  AddressSpace& space = fresh_space();
  const uint64_t a = 0x40000000;
  ASSERT_OK(space.mmap(a, 10 * P, RW, ANON | MAP_FIXED));
  ASSERT_OK(space.mmap(a + 3 * P, 2 * P, PROT_READ, ANON | MAP_FIXED));
  EXPECT_EQ(space.map_count(), 3u);
  EXPECT_EQ(g_calls.unmaps, 1u);
  ASSERT_OK(space.munmap(a + 4 * P, 4 * P));
  EXPECT_EQ(space.map_count(), 3u);
  EXPECT_EQ(space.vma_lookup(a + 3 * P)->vm_end, a + 4 * P);
  Vma* last = space.vma_lookup(a + 8 * P);
  ASSERT_NOT_NULL(last);
  EXPECT_EQ(last->vm_start, a + 8 * P);
  EXPECT_EQ(last->vm_pgoff, a / P + 8);
  EXPECT_NULL(space.vma_lookup(a + 5 * P));
  EXPECT_OK(space.tree().validate());
  space.~AddressSpace();
  EXPECT_EQ(g_vmas.live(), 0u);
}

KTEST(address_space, error_codes) {
  AddressSpace& space = fresh_space();
  EXPECT_ERROR(space.mmap(0, 0, RW, ANON), Error::Invalid);
  EXPECT_ERROR(space.mmap(0, P, RW, MAP_ANONYMOUS), Error::Invalid);
  EXPECT_ERROR(space.mmap(0, P, RW, MAP_PRIVATE), Error::BadFile);
  EXPECT_ERROR(space.mmap(0, kstd::U64_MAX, RW, ANON), Error::NoMemory);
  EXPECT_ERROR(space.mmap(0x1000, P, RW, ANON | MAP_FIXED), Error::Permission);
  EXPECT_ERROR(space.mmap(0x40000001, P, RW, ANON | MAP_FIXED), Error::Invalid);
  ASSERT_OK(space.mmap(0x40000000, P, RW, ANON | MAP_FIXED));
  EXPECT_ERROR(space.mmap(0x40000000, P, RW, ANON | MAP_FIXED_NOREPLACE), Error::Exists);
  EXPECT_ERROR(space.munmap(0x40000000, 0), Error::Invalid);
  EXPECT_ERROR(space.munmap(0x40000800, P), Error::Invalid);
  EXPECT_ERROR(space.munmap(TASK_SIZE - P, 2 * P), Error::Invalid);
  EXPECT_EQ(space.map_count(), 1u);
  space.~AddressSpace();
}

KTEST(address_space, special_mapping_lifecycle) {
  AddressSpace& space = fresh_space();
  SpecialMapping vvar;
  vvar.name = "[vvar]";
  SpecialMapping vdso;
  vdso.name = "[vdso]";
  vdso.context = &g_calls;
  vdso.close = [](const SpecialMapping&, AddressSpace&, Vma&, void* context) {
    static_cast<Calls*>(context)->closes++;
  };
  const VmFlags text = VM_READ | VM_EXEC | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
  ASSERT_OK(space.install_special_mapping(0x7fffa8d60000, 16 * P, VM_READ | VM_MAYREAD, vvar));
  ASSERT_OK(space.install_special_mapping(0x7fffa8d70000, 32 * P, text, vdso));
  EXPECT_STREQ(render(space),
               "7fffa8d60000-7fffa8d70000 r--p 00000000 00:00 0                          [vvar]\n"
               "7fffa8d70000-7fffa8d90000 r-xp 00000000 00:00 0                          [vdso]\n");
  EXPECT_ERROR(space.munmap(0x7fffa8d70000, P), Error::Invalid);
  EXPECT_EQ(g_calls.closes, 0u);
  ASSERT_OK(space.munmap(0x7fffa8d70000, 32 * P));
  EXPECT_EQ(g_calls.closes, 1u);
  EXPECT_EQ(space.map_count(), 1u);
  space.~AddressSpace();
  EXPECT_EQ(g_vmas.live(), 0u);
}

KTEST(address_space, mprotect_splits_and_merges_back) {
  AddressSpace& space = fresh_space();
  const uint64_t a = 0x40000000;
  ASSERT_OK(space.mmap(a, 6 * P, RW, ANON | MAP_FIXED));
  ASSERT_OK(space.mprotect(a + 2 * P, 2 * P, PROT_READ));
  EXPECT_EQ(space.map_count(), 3u);
  Vma* middle = space.vma_lookup(a + 2 * P);
  ASSERT_NOT_NULL(middle);
  EXPECT_EQ(middle->vm_end, a + 4 * P);
  EXPECT_EQ(middle->vm_flags & VM_ACCESS_FLAGS, VM_READ);
  EXPECT_EQ(middle->vm_pgoff, a / P + 2);
  ASSERT_OK(space.mprotect(a + 2 * P, 2 * P, RW));
  EXPECT_EQ(space.map_count(), 1u);
  EXPECT_ERROR(space.mprotect(a + 1, P, PROT_READ), Error::Invalid);
  EXPECT_ERROR(space.mprotect(a, 7 * P, PROT_READ), Error::NoMemory);
  EXPECT_ERROR(space.mprotect(a, P, 0x40), Error::Invalid);
  EXPECT_EQ(space.map_count(), 1u);
  EXPECT_OK(space.tree().validate());
  space.~AddressSpace();
  EXPECT_EQ(g_vmas.live(), 0u);
}

KTEST(address_space, mremap_shrink_grow_move) {
  AddressSpace& space = fresh_space();
  const uint64_t a = 0x40000000;
  ASSERT_OK(space.mmap(a, 4 * P, RW, ANON | MAP_FIXED));
  Result<uint64_t> shrunk = space.mremap(a, 4 * P, 2 * P, 0);
  ASSERT_OK(shrunk);
  EXPECT_EQ(space.vma_lookup(a)->vm_end, a + 2 * P);
  Result<uint64_t> grown = space.mremap(a, 2 * P, 3 * P, 0);
  ASSERT_OK(grown);
  EXPECT_EQ(grown.value(), a);
  EXPECT_EQ(space.vma_lookup(a)->vm_end, a + 3 * P);
  ASSERT_OK(space.mmap(a + 3 * P, P, PROT_READ, ANON | MAP_FIXED));
  EXPECT_ERROR(space.mremap(a, 3 * P, 4 * P, 0), Error::NoMemory);
  Result<uint64_t> moved = space.mremap(a, 3 * P, 4 * P, MREMAP_MAYMOVE);
  ASSERT_OK(moved);
  EXPECT_EQ(moved.value(), MMAP_BASE - 4 * P);
  EXPECT_NULL(space.vma_lookup(a));
  // Never faulted in, so copy_vma() gave it the offset of its new address.
  EXPECT_EQ(space.vma_lookup(moved.value())->vm_pgoff, moved.value() / P);
  EXPECT_ERROR(space.mremap(a, P, P, MREMAP_MAYMOVE), Error::Fault);
  EXPECT_ERROR(space.mremap(moved.value(), P, P, MREMAP_FIXED, a), Error::Invalid);
  EXPECT_EQ(space.map_count(), 2u);
  EXPECT_OK(space.tree().validate());
  space.~AddressSpace();
  EXPECT_EQ(g_vmas.live(), 0u);
}

KTEST(address_space, brk_grows_and_shrinks_the_heap) {
  AddressSpace& space = fresh_space();
  EXPECT_EQ(space.brk(0), START_BRK);
  EXPECT_EQ(space.brk(START_BRK + 3 * P), START_BRK + 3 * P);
  EXPECT_EQ(space.brk(START_BRK + 3 * P + 5), START_BRK + 3 * P + 5);
  Vma* heap = space.vma_lookup(START_BRK);
  ASSERT_NOT_NULL(heap);
  EXPECT_EQ(heap->vm_end, START_BRK + 4 * P);
  // do_brk_flags() accounts the heap.
  EXPECT_EQ(heap->vm_flags,
            VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_ACCOUNT);
  EXPECT_EQ(space.brk(START_BRK + P), START_BRK + P);
  EXPECT_EQ(heap->vm_end, START_BRK + P);
  EXPECT_EQ(space.brk(START_BRK - P), START_BRK + P);  // below start_brk: the old break
  // One page stays free between the heap and the next mapping.
  ASSERT_OK(space.mmap(START_BRK + 5 * P, P, RW, ANON | MAP_FIXED));
  EXPECT_EQ(space.brk(START_BRK + 5 * P), START_BRK + P);
  EXPECT_EQ(space.brk(START_BRK + 4 * P), START_BRK + 4 * P);
  EXPECT_EQ(space.map_count(), 2u);
  EXPECT_OK(space.tree().validate());
  space.~AddressSpace();
  EXPECT_EQ(g_vmas.live(), 0u);
}

KTEST(address_space, guard_gap_keeps_placement_below_a_stack) {
  AddressSpace& space = fresh_space();
  constexpr uint64_t GAP = 256 * P;  // the default stack_guard_gap
  const uint64_t stack = MMAP_BASE - 4 * P;
  ASSERT_OK(space.mmap(stack, P, RW, ANON | MAP_FIXED | MAP_GROWSDOWN));
  Result<uint64_t> above = space.mmap(0, 3 * P, RW, ANON);
  ASSERT_OK(above);
  EXPECT_EQ(above.value(), MMAP_BASE - 3 * P);
  // The free range right below the stack is its guard gap: the search goes below it.
  Result<uint64_t> below = space.mmap(0, 2 * P, RW, ANON);
  ASSERT_OK(below);
  EXPECT_EQ(below.value(), stack - GAP - 2 * P);
  // A hint inside the gap is not taken; MAP_FIXED may still map there.
  Result<uint64_t> hinted = space.mmap(stack - P, P, PROT_READ, ANON);
  ASSERT_OK(hinted);
  EXPECT_EQ(hinted.value(), stack - GAP - 3 * P);
  Result<uint64_t> fixed = space.mmap(stack - P, P, PROT_READ, ANON | MAP_FIXED);
  ASSERT_OK(fixed);
  EXPECT_EQ(fixed.value(), stack - P);
  EXPECT_EQ(space.map_count(), 5u);
  EXPECT_OK(space.tree().validate());
  space.~AddressSpace();
  EXPECT_EQ(g_vmas.live(), 0u);
}
