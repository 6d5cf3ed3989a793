// Host stand-ins for what an AddressSpace is given: an MmuOps that records every call and keeps
// a page-by-page table of what is mapped, a page source over malloc that tracks every live page,
// VMA and tree-node allocators with an optional budget so tests can make any allocation fail,
// and the fixture the AddressSpace tests share, with a checker that the tree, the VMA objects
// and the allocators agree.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "host-tests/error_of.h"
#include "kernel/mm/address_space.h"
#include "kernel/mm/maps.h"

struct MmuCall {
  std::string op;
  uint64_t start;
  uint64_t end;
  bool operator==(const MmuCall&) const = default;
};

// One present translation of the fake page table.
struct FakePte {
  uint64_t pa;
  VmFlags flags;
  bool operator==(const FakePte&) const = default;
};

inline std::ostream& operator<<(std::ostream& os, const FakePte& pte) {
  return os << std::hex << "{pa " << pte.pa << " flags " << pte.flags << "}";
}

struct FakeMmu {
  std::vector<MmuCall> calls;
  std::map<uint64_t, FakePte> pages;  // va -> translation, one entry per page
  long map_budget = -1;               // map() succeeds while != 0; negative: unlimited
  uint64_t overmaps = 0;              // map() over a present page: a bug in the caller

  MmuOps ops() {
    MmuOps o;
    o.map = [](void* c, uint64_t va, uint64_t pa, uint64_t size, VmFlags flags) -> Result<void> {
      auto* mmu = static_cast<FakeMmu*>(c);
      if (mmu->map_budget == 0) return Error::NoMemory;
      if (mmu->map_budget > 0) mmu->map_budget--;
      mmu->calls.push_back({"map", va, va + size});
      for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
        if (!mmu->pages.emplace(va + off, FakePte{pa + off, flags}).second) mmu->overmaps++;
      }
      return {};
    };
    o.unmap = [](void* c, uint64_t start, uint64_t end) {
      auto* mmu = static_cast<FakeMmu*>(c);
      mmu->calls.push_back({"unmap", start, end});
      mmu->pages.erase(mmu->pages.lower_bound(start), mmu->pages.lower_bound(end));
    };
    o.protect = [](void* c, uint64_t start, uint64_t end, VmFlags flags) {
      auto* mmu = static_cast<FakeMmu*>(c);
      mmu->calls.push_back({"protect", start, end});
      for (auto it = mmu->pages.lower_bound(start); it != mmu->pages.end() && it->first < end;
           ++it) {
        it->second.flags = flags;
      }
    };
    o.remap = [](void* c, uint64_t va, uint64_t pa, VmFlags flags) {
      auto* mmu = static_cast<FakeMmu*>(c);
      mmu->calls.push_back({"remap", va, va + PAGE_SIZE});
      auto it = mmu->pages.find(va);
      if (it == mmu->pages.end()) std::abort();  // the contract: the page is present
      it->second = FakePte{pa, flags};
    };
    o.walk = [](void* c, uint64_t start, uint64_t end, MmuVisitFn visit, void* cookie) {
      auto* mmu = static_cast<FakeMmu*>(c);
      for (auto it = mmu->pages.lower_bound(start); it != mmu->pages.end() && it->first < end;
           ++it) {
        const MmuAccess access{it->second.flags & VM_TRANSLATION_FLAGS, true};
        if (!visit(cookie, it->first, it->second.pa, access)) return;
      }
    };
    o.context = this;
    return o;
  }
};

// Pages from malloc, zero-filled; their host address serves as the physical address, so a test
// can read and write a page through it. Allocations succeed while budget != 0. The zero page is
// one more such page, outside `live`: freeing it aborts like freeing any unknown page.
struct FakePages {
  std::set<uint64_t> live;
  long budget = -1;
  unsigned char* zero = static_cast<unsigned char*>(std::aligned_alloc(PAGE_SIZE, PAGE_SIZE));

  FakePages() { std::memset(zero, 0, PAGE_SIZE); }
  FakePages(const FakePages&) = delete;
  FakePages& operator=(const FakePages&) = delete;

  uint64_t zero_page() const { return reinterpret_cast<uint64_t>(zero); }
  // Nothing wrote the zero page.
  bool zero_page_intact() const {
    for (uint64_t i = 0; i < PAGE_SIZE; i++) {
      if (zero[i] != 0) return false;
    }
    return true;
  }

  PageSource source() {
    PageSource s;
    s.alloc_zeroed = [](void* c) -> Result<uint64_t> {
      auto* pages = static_cast<FakePages*>(c);
      if (pages->budget == 0) return Error::NoMemory;
      if (pages->budget > 0) pages->budget--;
      void* page = std::aligned_alloc(PAGE_SIZE, PAGE_SIZE);
      std::memset(page, 0, PAGE_SIZE);
      const auto pa = reinterpret_cast<uint64_t>(page);
      pages->live.insert(pa);
      return pa;
    };
    s.free = [](void* c, uint64_t pa) {
      auto* pages = static_cast<FakePages*>(c);
      if (pages->live.erase(pa) != 1) std::abort();
      std::free(reinterpret_cast<void*>(pa));
    };
    s.context = this;
    s.zero_page = zero_page();
    return s;
  }

  ~FakePages() {
    for (uint64_t pa : live) std::free(reinterpret_cast<void*>(pa));
    std::free(zero);
  }
};

// Allocations succeed while budget != 0; a negative budget is unlimited.
struct FakeHeap {
  std::set<void*> vmas;
  std::set<void*> nodes;
  long vma_budget = -1;
  long node_budget = -1;

  VmaAllocator vma_allocator() {
    VmaAllocator a;
    a.alloc = [](void* c) -> Vma* {
      auto* heap = static_cast<FakeHeap*>(c);
      if (heap->vma_budget == 0) return nullptr;
      if (heap->vma_budget > 0) heap->vma_budget--;
      Vma* vma = new Vma{};
      heap->vmas.insert(vma);
      return vma;
    };
    a.free = [](void* c, Vma* vma) {
      auto* heap = static_cast<FakeHeap*>(c);
      if (heap->vmas.erase(vma) != 1) std::abort();
      delete vma;
    };
    a.context = this;
    return a;
  }

  VmaTreeAllocator node_allocator() {
    VmaTreeAllocator a;
    a.alloc_node = [](void* c) -> void* {
      auto* heap = static_cast<FakeHeap*>(c);
      if (heap->node_budget == 0) return nullptr;
      if (heap->node_budget > 0) heap->node_budget--;
      void* node = std::aligned_alloc(VmaTree::NODE_ALIGN, VmaTree::NODE_SIZE);
      heap->nodes.insert(node);
      return node;
    };
    a.free_node = [](void* c, void* node) {
      auto* heap = static_cast<FakeHeap*>(c);
      if (heap->nodes.erase(node) != 1) std::abort();
      std::free(node);
    };
    a.ctx = this;
    return a;
  }
};

constexpr uint64_t P = PAGE_SIZE;
constexpr int RW = PROT_READ | PROT_WRITE;
constexpr int ANON = MAP_PRIVATE | MAP_ANONYMOUS;

struct VmaView {
  uint64_t start;
  uint64_t end;
  VmFlags flags;
  uint64_t pgoff;
  bool operator==(const VmaView&) const = default;
};

inline std::ostream& operator<<(std::ostream& os, const VmaView& v) {
  return os << std::hex << "[" << v.start << "," << v.end << ") flags " << v.flags << " pgoff "
            << v.pgoff;
}

class AddressSpaceTest : public testing::Test {
 protected:
  static constexpr uint64_t TASK_SIZE = uint64_t{1} << 47;
  static constexpr uint64_t MMAP_BASE = 0x7ff000000000;
  static constexpr uint64_t UNMAPPED_BASE = 0x200000000000;
  static constexpr VmFlags MAY = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;

  AddressSpaceTest() { make_space(default_layout()); }

  // Every test ends with a teardown that leaves no page mapped and none allocated.
  void TearDown() override {
    space.reset();
    EXPECT_TRUE(mmu.pages.empty());
    EXPECT_TRUE(pages.live.empty());
    EXPECT_TRUE(pages.zero_page_intact());
    EXPECT_EQ(mmu.overmaps, 0u);
  }

  static AddressSpaceLayout default_layout() {
    AddressSpaceLayout layout;
    layout.mmap_min_addr = 0x10000;
    layout.mmap_base = MMAP_BASE;
    layout.task_size = TASK_SIZE;
    layout.mmap_window = layout.task_size;
    layout.unmapped_base = UNMAPPED_BASE;
    return layout;
  }

  void make_space(const AddressSpaceLayout& layout) {
    space.reset();
    space = std::make_unique<AddressSpace>(layout, heap.vma_allocator(), heap.node_allocator(),
                                           mmu.ops(), pages.source());
  }

  std::vector<VmaView> vmas() const {
    std::vector<VmaView> out;
    VMA_ITERATOR(vmi, space->tree(), 0);
    Vma* vma;
    for_each_vma(vmi, vma)
        out.push_back({vma->vm_start, vma->vm_end, vma->vm_flags, vma->vm_pgoff});
    return out;
  }

  // The tree is valid, every stored range equals its Vma's fields, and exactly the VMAs in the
  // tree are allocated.
  void check() const {
    const char* why = nullptr;
    ASSERT_TRUE(space->tree().validate(&why).is_ok()) << why;
    VMA_ITERATOR(vmi, space->tree(), 0);
    Vma* vma;
    uint64_t count = 0;
    for_each_vma(vmi, vma) {
      EXPECT_EQ(vmi.addr(), vma->vm_start);
      EXPECT_EQ(vmi.end(), vma->vm_end);
      EXPECT_EQ(vma->detached_next, nullptr);
      EXPECT_TRUE(heap.vmas.count(vma));
      count++;
    }
    EXPECT_EQ(count, heap.vmas.size());
    EXPECT_EQ(count, space->map_count());
  }

  std::string maps() const {
    std::string text;
    Sink sink([](void* s, const char* d, size_t n) { static_cast<std::string*>(s)->append(d, n); },
              &text);
    space->render_maps(sink);
    return text;
  }

  uint64_t map(uint64_t addr, uint64_t len, int prot = RW, int flags = ANON) {
    Result<uint64_t> r = space->mmap(addr, len, prot, flags);
    EXPECT_TRUE(r.is_ok()) << error_name(r.error());
    return r.is_ok() ? r.value() : 0;
  }

  std::optional<Error> mmap_error(uint64_t addr, uint64_t len, int prot, int flags,
                                  const VmFile* file = nullptr, uint64_t offset = 0) {
    return error_of(space->mmap(addr, len, prot, flags, file, offset));
  }

  std::optional<Error> munmap_error(uint64_t start, uint64_t len) {
    return error_of(space->munmap(start, len));
  }

  // The translations of [start, end) as the fake MMU holds them: va -> {pa, flags}.
  std::map<uint64_t, FakePte> mapped(uint64_t start, uint64_t end) const {
    return {mmu.pages.lower_bound(start), mmu.pages.lower_bound(end)};
  }

  // Faults at addr and expects the page to be mapped afterwards.
  void touch(uint64_t addr, FaultAccess access = FaultAccess::Write) {
    Result<FaultVerdict> r = space->handle_fault(addr, access);
    ASSERT_TRUE(r.is_ok()) << error_name(r.error());
    ASSERT_EQ(r.value().signal, FaultSignal::None) << std::hex << addr;
  }

  // The bytes of the page mapped at va (the fake physical address is a host pointer).
  unsigned char* bytes_at(uint64_t va) {
    return reinterpret_cast<unsigned char*>(mmu.pages.at(va).pa);
  }

  FaultVerdict fault(uint64_t addr, FaultAccess access) {
    Result<FaultVerdict> r = space->handle_fault(addr, access);
    EXPECT_TRUE(r.is_ok());
    return r.is_ok() ? r.value() : FaultVerdict{FaultSignal::Bus, FaultCode::None};
  }

  FakeHeap heap;
  FakeMmu mmu;
  FakePages pages;
  std::unique_ptr<AddressSpace> space;
};
