// Demand faults in the kernel: SIGSEGV and SIGBUS verdicts, zeroed pages mapped with the VMA's
// access bits, and munmap and teardown returning every page. The MMU is a small table of
// translations and the pages come from a static pool, so the test checks the address space's
// bookkeeping, not the arch page tables.

#include "kernel/lib/string.h"
#include "kernel/mm/address_space.h"
#include "kernel/test/static_pool.h"
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

// A page handed out as "physical" memory: its address is its physical address here.
struct alignas(4096) TestPage {
  unsigned char bytes[4096];
};

StaticPool<Vma, VMA_SLOTS> g_vmas;
StaticPool<TreeNodeBlock, NODE_SLOTS> g_nodes;
StaticPool<TestPage, PAGE_SLOTS> g_pages;
Pte g_ptes[PTE_SLOTS];
alignas(AddressSpace) unsigned char g_space_storage[sizeof(AddressSpace)];

uint32_t live_ptes() {
  uint32_t n = 0;
  for (const Pte& pte : g_ptes) n += pte.used ? 1 : 0;
  return n;
}

const Pte* pte_at(uint64_t va) {
  for (const Pte& pte : g_ptes) {
    if (pte.used && pte.va == va) return &pte;
  }
  return nullptr;
}

MmuOps table_mmu() {
  MmuOps mmu;
  mmu.map = [](void*, uint64_t va, uint64_t pa, uint64_t size, VmFlags flags) -> Result<void> {
    VERIFY(size == P && pte_at(va) == nullptr);
    for (Pte& pte : g_ptes) {
      if (!pte.used) {
        pte = Pte{va, pa, flags, true};
        return {};
      }
    }
    return Error::NoMemory;
  };
  mmu.unmap = [](void*, uint64_t start, uint64_t end) {
    for (Pte& pte : g_ptes) {
      if (pte.used && pte.va >= start && pte.va < end) pte.used = false;
    }
  };
  mmu.protect = [](void*, uint64_t start, uint64_t end, VmFlags flags) {
    for (Pte& pte : g_ptes) {
      if (pte.used && pte.va >= start && pte.va < end) pte.flags = flags;
    }
  };
  // The table is unordered; visit in address order as the contract asks.
  mmu.walk = [](void*, uint64_t start, uint64_t end, MmuVisitFn visit, void* cookie) {
    uint64_t from = start;
    for (;;) {
      const Pte* next = nullptr;
      for (const Pte& pte : g_ptes) {
        if (pte.used && pte.va >= from && pte.va < end && (!next || pte.va < next->va)) {
          next = &pte;
        }
      }
      if (next == nullptr ||
          !visit(cookie, next->va, next->pa, MmuAccess{next->flags & VM_TRANSLATION_FLAGS, true}))
        return;
      from = next->va + P;
    }
  };
  mmu.context = nullptr;
  return mmu;
}

AddressSpace& fresh_space() {
  g_vmas.reset();
  g_nodes.reset();
  g_pages.reset();
  for (Pte& pte : g_ptes) pte.used = false;
  AddressSpaceLayout layout;
  layout.mmap_min_addr = 0x10000;
  layout.mmap_base = 0x7ff000000000;
  layout.task_size = uint64_t{1} << 47;
  layout.mmap_window = layout.task_size;
  layout.unmapped_base = 0x200000000000;
  PageSource pages;
  pages.alloc_zeroed = [](void*) -> Result<uint64_t> {
    TestPage* page = g_pages.take();
    if (page == nullptr) return Error::NoMemory;
    klib::mem_set(page->bytes, 0, P);
    return reinterpret_cast<uint64_t>(page);
  };
  pages.free = [](void*, uint64_t pa) { g_pages.give(reinterpret_cast<TestPage*>(pa)); };
  pages.context = nullptr;
  return *new (g_space_storage)
      AddressSpace(layout, vma_allocator(g_vmas), node_allocator(g_nodes), table_mmu(), pages);
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
  EXPECT_EQ(g_pages.live(), 0u);
}

KTEST(address_space_fault, zeroed_pages_are_freed_by_munmap) {
  AddressSpace& space = fresh_space();
  const uint64_t a = 0x40000000;
  ASSERT_OK(space.mmap(a, 4 * P, RW, ANON_FIXED));
  g_pages.slot(0)->bytes[100] = 0xaa;  // a stale byte that the allocation must clear
  for (uint64_t i = 0; i < 4; i++) ASSERT_OK(space.handle_fault(a + i * P, FaultAccess::Write));
  const Pte* first = pte_at(a);
  ASSERT_NOT_NULL(first);
  EXPECT_EQ(first->flags, VM_READ | VM_WRITE);
  EXPECT_EQ(reinterpret_cast<const unsigned char*>(first->pa)[100], 0u);
  EXPECT_EQ(g_pages.live(), 4u);
  ASSERT_OK(space.munmap(a + P, 2 * P));
  EXPECT_EQ(g_pages.live(), 2u);
  EXPECT_NULL(pte_at(a + P));
  EXPECT_NOT_NULL(pte_at(a + 3 * P));
  space.~AddressSpace();
  EXPECT_EQ(g_pages.live(), 0u);
  EXPECT_EQ(live_ptes(), 0u);
}
