// Demand faults in the kernel: SIGSEGV and SIGBUS verdicts, zeroed pages mapped with the VMA's
// access bits, and munmap and teardown returning every page. The MMU is a small table of
// translations and the pages come from a static arena, so the test checks the address space's
// bookkeeping, not the arch page tables.

#include "kernel/lib/string.h"
#include "kernel/mm/address_space.h"
#include "kernel/test/test.h"

namespace {

constexpr uint64_t P = PAGE_SIZE;
constexpr int RW = PROT_READ | PROT_WRITE;
constexpr int ANON_FIXED = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
constexpr uint32_t VMA_SLOTS = 16;
constexpr uint32_t NODE_SLOTS = 8;
constexpr uint32_t PAGE_SLOTS = 8;
constexpr uint32_t PTE_SLOTS = 16;

struct Pte {
  uint64_t va;
  uint64_t pa;
  VmFlags flags;
  bool used;
};

struct World {
  Vma vmas[VMA_SLOTS];
  bool vma_used[VMA_SLOTS];
  alignas(VmaTree::NODE_ALIGN) unsigned char nodes[NODE_SLOTS][VmaTree::NODE_SIZE];
  bool node_used[NODE_SLOTS];
  bool page_used[PAGE_SLOTS];
  Pte ptes[PTE_SLOTS];
};
World g_world;
alignas(4096) unsigned char g_pages[PAGE_SLOTS][4096];
alignas(AddressSpace) unsigned char g_space_storage[sizeof(AddressSpace)];

template <class T, uint32_t N>
T* take(T (&slots)[N], bool (&used)[N]) {
  for (uint32_t i = 0; i < N; i++) {
    if (!used[i]) {
      used[i] = true;
      return &slots[i];
    }
  }
  return nullptr;
}

uint32_t live_pages() {
  uint32_t n = 0;
  for (bool used : g_world.page_used) n += used ? 1 : 0;
  return n;
}

uint32_t live_ptes() {
  uint32_t n = 0;
  for (const Pte& pte : g_world.ptes) n += pte.used ? 1 : 0;
  return n;
}

const Pte* pte_at(uint64_t va) {
  for (const Pte& pte : g_world.ptes) {
    if (pte.used && pte.va == va) return &pte;
  }
  return nullptr;
}

MmuOps table_mmu() {
  MmuOps mmu;
  mmu.map = [](void*, uint64_t va, uint64_t pa, uint64_t size, VmFlags flags) -> Result<void> {
    VERIFY(size == P && pte_at(va) == nullptr);
    for (Pte& pte : g_world.ptes) {
      if (!pte.used) {
        pte = Pte{va, pa, flags, true};
        return {};
      }
    }
    return Error::NoMemory;
  };
  mmu.unmap = [](void*, uint64_t start, uint64_t end) {
    for (Pte& pte : g_world.ptes) {
      if (pte.used && pte.va >= start && pte.va < end) pte.used = false;
    }
  };
  mmu.protect = [](void*, uint64_t start, uint64_t end, VmFlags flags) {
    for (Pte& pte : g_world.ptes) {
      if (pte.used && pte.va >= start && pte.va < end) pte.flags = flags;
    }
  };
  // The table is unordered; visit in address order as the contract asks.
  mmu.walk = [](void*, uint64_t start, uint64_t end, MmuVisitFn visit, void* cookie) {
    uint64_t from = start;
    for (;;) {
      const Pte* next = nullptr;
      for (const Pte& pte : g_world.ptes) {
        if (pte.used && pte.va >= from && pte.va < end && (!next || pte.va < next->va)) {
          next = &pte;
        }
      }
      if (next == nullptr || !visit(cookie, next->va, next->pa)) return;
      from = next->va + P;
    }
  };
  mmu.context = nullptr;
  return mmu;
}

AddressSpace& fresh_space() {
  g_world = World{};
  AddressSpaceLayout layout;
  layout.mmap_min_addr = 0x10000;
  layout.mmap_base = 0x7ff000000000;
  layout.task_size = uint64_t{1} << 47;
  layout.unmapped_base = 0x200000000000;
  VmaAllocator vmas;
  vmas.alloc = [](void*) { return take(g_world.vmas, g_world.vma_used); };
  vmas.free = [](void*, Vma* vma) { g_world.vma_used[vma - g_world.vmas] = false; };
  vmas.context = nullptr;
  VmaTreeAllocator nodes;
  nodes.alloc_node = [](void*) -> void* {
    for (uint32_t i = 0; i < NODE_SLOTS; i++) {
      if (!g_world.node_used[i]) {
        g_world.node_used[i] = true;
        return g_world.nodes[i];
      }
    }
    return nullptr;
  };
  nodes.free_node = [](void*, void* node) {
    for (uint32_t i = 0; i < NODE_SLOTS; i++) {
      if (g_world.nodes[i] == node) g_world.node_used[i] = false;
    }
  };
  nodes.ctx = nullptr;
  PageSource pages;
  pages.alloc_zeroed = [](void*) -> Result<uint64_t> {
    for (uint32_t i = 0; i < PAGE_SLOTS; i++) {
      if (!g_world.page_used[i]) {
        g_world.page_used[i] = true;
        klib::mem_set(g_pages[i], 0, P);
        return reinterpret_cast<uint64_t>(g_pages[i]);
      }
    }
    return Error::NoMemory;
  };
  pages.free = [](void*, uint64_t pa) {
    const uint64_t i = (pa - reinterpret_cast<uint64_t>(g_pages[0])) / P;
    VERIFY(i < PAGE_SLOTS && g_world.page_used[i]);
    g_world.page_used[i] = false;
  };
  pages.context = nullptr;
  return *new (g_space_storage) AddressSpace(layout, vmas, nodes, table_mmu(), pages);
}

bool verdict_is(const Result<FaultVerdict>& r, FaultSignal signal, FaultCode code) {
  return r.is_ok() && r.value().signal == signal && r.value().code == code;
}

}  // namespace

KTEST(address_space_fault, verdicts) {
  AddressSpace& space = fresh_space();
  const uint64_t a = 0x40000000;
  ASSERT_OK(space.mmap(a, 2 * P, PROT_READ, ANON_FIXED));
  EXPECT_TRUE(verdict_is(space.handle_fault(a - P, FaultAccess::Read), FaultSignal::Segv,
                         FaultCode::SegvMapErr));
  EXPECT_TRUE(verdict_is(space.handle_fault(a + 2 * P, FaultAccess::Read), FaultSignal::Segv,
                         FaultCode::SegvMapErr));
  EXPECT_TRUE(verdict_is(space.handle_fault(a, FaultAccess::Write), FaultSignal::Segv,
                         FaultCode::SegvAccErr));
  EXPECT_TRUE(verdict_is(space.handle_fault(a, FaultAccess::Exec), FaultSignal::Segv,
                         FaultCode::SegvAccErr));
  EXPECT_TRUE(
      verdict_is(space.handle_fault(a + P, FaultAccess::Read), FaultSignal::None, FaultCode::None));
  EXPECT_EQ(live_ptes(), 1u);
  space.~AddressSpace();
  EXPECT_EQ(live_ptes(), 0u);
  EXPECT_EQ(live_pages(), 0u);
}

KTEST(address_space_fault, zeroed_pages_are_freed_by_munmap) {
  AddressSpace& space = fresh_space();
  const uint64_t a = 0x40000000;
  ASSERT_OK(space.mmap(a, 4 * P, RW, ANON_FIXED));
  g_pages[0][100] = 0xaa;  // a stale byte that the allocation must clear
  for (uint64_t i = 0; i < 4; i++) ASSERT_OK(space.handle_fault(a + i * P, FaultAccess::Write));
  const Pte* first = pte_at(a);
  ASSERT_NOT_NULL(first);
  EXPECT_EQ(first->flags, VM_READ | VM_WRITE);
  EXPECT_EQ(reinterpret_cast<const unsigned char*>(first->pa)[100], 0u);
  EXPECT_EQ(live_pages(), 4u);
  ASSERT_OK(space.munmap(a + P, 2 * P));
  EXPECT_EQ(live_pages(), 2u);
  EXPECT_NULL(pte_at(a + P));
  EXPECT_NOT_NULL(pte_at(a + 3 * P));
  space.~AddressSpace();
  EXPECT_EQ(live_pages(), 0u);
  EXPECT_EQ(live_ptes(), 0u);
}
