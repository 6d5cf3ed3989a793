// libFuzzer target for AddressSpace: each input is a program of mmap, munmap, mprotect, mremap,
// brk and fault operations in a small window, with allocation failures injected. After every
// step it checks that the tree is valid and agrees with the VMA objects, that every present page
// lies in a VMA and carries that VMA's access bits, that no two neighbours are left mergeable,
// that a failed call changed neither the VMAs nor the page table, and that mmap, munmap and
// mprotect left every page with the flags a page-by-page model predicts.

#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <vector>

#include "kernel/mm/address_space.h"

namespace {

constexpr uint64_t P = PAGE_SIZE;
constexpr uint64_t BASE = 0x40000000;
constexpr uint64_t WINDOW = 64;  // pages
constexpr uint64_t START_BRK = BASE + 80 * P;

struct World {
  std::set<Vma*> vmas;
  std::set<void*> nodes;
  std::set<uint64_t> pages;
  std::map<uint64_t, std::pair<uint64_t, VmFlags>> ptes;
  long budget = -1;  // shared by every allocator while an operation runs

  bool take() {
    if (budget == 0) return false;
    if (budget > 0) budget--;
    return true;
  }
};

World* g;

Vma* alloc_vma(void*) {
  if (!g->take()) return nullptr;
  Vma* vma = new Vma{};
  g->vmas.insert(vma);
  return vma;
}
void free_vma(void*, Vma* vma) {
  if (g->vmas.erase(vma) != 1) std::abort();
  delete vma;
}
void* alloc_node(void*) {
  if (!g->take()) return nullptr;
  void* node = std::aligned_alloc(VmaTree::NODE_ALIGN, VmaTree::NODE_SIZE);
  g->nodes.insert(node);
  return node;
}
void free_node(void*, void* node) {
  if (g->nodes.erase(node) != 1) std::abort();
  std::free(node);
}

MmuOps fake_mmu() {
  MmuOps o;
  o.map = [](void*, uint64_t va, uint64_t pa, uint64_t size, VmFlags flags) -> Result<void> {
    if (!g->take()) return Error::NoMemory;
    for (uint64_t off = 0; off < size; off += P) {
      if (!g->ptes.emplace(va + off, std::make_pair(pa + off, flags)).second) std::abort();
    }
    return {};
  };
  o.unmap = [](void*, uint64_t start, uint64_t end) {
    g->ptes.erase(g->ptes.lower_bound(start), g->ptes.lower_bound(end));
  };
  o.protect = [](void*, uint64_t start, uint64_t end, VmFlags flags) {
    for (auto it = g->ptes.lower_bound(start); it != g->ptes.end() && it->first < end; ++it) {
      it->second.second = flags;
    }
  };
  o.walk = [](void*, uint64_t start, uint64_t end, MmuVisitFn visit, void* cookie) {
    for (auto it = g->ptes.lower_bound(start); it != g->ptes.end() && it->first < end; ++it) {
      if (!visit(cookie, it->first, it->second.first)) return;
    }
  };
  o.context = nullptr;
  return o;
}

PageSource fake_pages() {
  PageSource s;
  s.alloc_zeroed = [](void*) -> Result<uint64_t> {
    if (!g->take()) return Error::NoMemory;
    static uint64_t next = 0x100000000;
    next += P;
    g->pages.insert(next);
    return next;
  };
  s.free = [](void*, uint64_t pa) {
    if (g->pages.erase(pa) != 1) std::abort();
  };
  s.context = nullptr;
  return s;
}

struct Snapshot {
  std::vector<std::vector<uint64_t>> vmas;
  std::map<uint64_t, std::pair<uint64_t, VmFlags>> ptes;
  bool operator==(const Snapshot&) const = default;
};

Snapshot snapshot(const AddressSpace& space) {
  Snapshot s;
  VMA_ITERATOR(vmi, space.tree(), 0);
  Vma* vma;
  for_each_vma(vmi, vma)
      s.vmas.push_back({vma->vm_start, vma->vm_end, vma->vm_flags, vma->vm_pgoff});
  s.ptes = g->ptes;
  return s;
}

void check(const AddressSpace& space) {
  if (space.tree().validate().is_error()) std::abort();
  VMA_ITERATOR(vmi, space.tree(), 0);
  Vma* vma;
  const Vma* last = nullptr;
  uint64_t count = 0;
  for_each_vma(vmi, vma) {
    if (vmi.addr() != vma->vm_start || vmi.end() != vma->vm_end) std::abort();
    if (!g->vmas.count(vma)) std::abort();
    // brk never extends a mapping that ends right at start_brk, as Linux does not.
    if (last != nullptr && last->vm_end == vma->vm_start && vma->vm_start != START_BRK &&
        last->vm_flags == vma->vm_flags && last->vm_file == vma->vm_file &&
        last->vm_pgoff + last->pages() == vma->vm_pgoff && !(vma->vm_flags & VM_SHARED)) {
      std::abort();
    }
    last = vma;
    count++;
  }
  if (count != g->vmas.size() || count != space.map_count()) std::abort();
  for (const auto& [va, pte] : g->ptes) {
    const Vma* owner = space.vma_lookup(va);
    if (owner == nullptr) std::abort();
    if (pte.second != (owner->vm_flags & (VM_ACCESS_FLAGS | VM_MTE))) std::abort();
    if (!g->pages.count(pte.first)) std::abort();
  }
  if (g->pages.size() != g->ptes.size()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World world;
  g = &world;
  AddressSpaceLayout layout;
  layout.mmap_min_addr = 0x10000;
  layout.mmap_base = BASE + WINDOW * P;
  layout.task_size = uint64_t{1} << 47;
  layout.unmapped_base = 0x200000000000;
  layout.start_brk = layout.brk = START_BRK;
  layout.max_map_count = 40;
  {
    AddressSpace space(layout, VmaAllocator{alloc_vma, free_vma, nullptr},
                       VmaTreeAllocator{alloc_node, free_node, nullptr}, fake_mmu(), fake_pages());
    std::map<uint64_t, VmFlags> model;  // page -> access bits, for mmap, munmap, mprotect
    const int prots[] = {PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE, PROT_READ | PROT_EXEC};
    size_t i = 0;
    while (i + 5 <= size) {
      const uint8_t op = data[i] % 7;
      const uint64_t start = BASE + (data[i + 1] % WINDOW) * P;
      const uint64_t pages = 1 + data[i + 2] % 16;
      const uint8_t arg = data[i + 3];
      const uint8_t fail = data[i + 4];
      i += 5;
      world.budget = fail < 32 ? fail % 4 : -1;
      const Snapshot before = snapshot(space);
      Error error = Error{};
      bool failed = false;
      auto note = [&](Error e) {
        failed = true;
        error = e;
      };
      switch (op) {
        case 0: {
          const int prot = prots[arg % 4];
          Result<uint64_t> r = space.mmap(arg & 4 ? start : 0, pages * P, prot,
                                          MAP_PRIVATE | MAP_ANONYMOUS | (arg & 4 ? MAP_FIXED : 0));
          if (r.is_error()) {
            note(r.error());
          } else {
            for (uint64_t p = 0; p < pages; p++) model[r.value() + p * P] = prot;
          }
          break;
        }
        case 1: {
          Result<void> r = space.munmap(start, pages * P);
          if (r.is_error()) {
            note(r.error());
          } else {
            for (uint64_t p = 0; p < pages; p++) model.erase(start + p * P);
          }
          break;
        }
        case 2: {
          const int prot = prots[arg % 4];
          Result<void> r = space.mprotect(start, pages * P, prot);
          if (r.is_error()) {
            note(r.error());
          } else {
            for (uint64_t p = 0; p < pages; p++) model[start + p * P] = prot;
          }
          break;
        }
        case 3: {
          const int flags = arg % 4 == 0   ? 0
                            : arg % 4 == 1 ? MREMAP_MAYMOVE
                                           : MREMAP_MAYMOVE | MREMAP_FIXED;
          const uint64_t to = BASE + ((arg >> 2) % WINDOW) * P;
          const uint64_t new_pages = 1 + (fail >> 4);
          Result<uint64_t> r = space.mremap(start, pages * P, new_pages * P, flags, to);
          if (r.is_error()) note(r.error());
          model.clear();  // rebuilt from the space: moves are checked by the invariants
          break;
        }
        case 4:
          space.brk(START_BRK + (arg % 24) * P - (arg & 1));
          model.clear();
          break;
        default: {
          const FaultAccess access = static_cast<FaultAccess>(arg % 3);
          Result<FaultVerdict> r = space.handle_fault(start + arg, access);
          if (r.is_error()) note(r.error());
          break;
        }
      }
      world.budget = -1;
      if (failed) {
        // Only memory exhaustion may fail while a budget is set; nothing may change. mremap's
        // page-table failure empties the MREMAP_FIXED target, as Linux does.
        if (!(op == 3 && error == Error::NoMemory) && !(snapshot(space) == before)) std::abort();
        if (error == Error::NoMemory && fail >= 32 && op == 5) std::abort();
      }
      check(space);
      if (model.empty()) {
        VMA_ITERATOR(vmi, space.tree(), 0);
        Vma* vma;
        for_each_vma(vmi, vma) {
          for (uint64_t a = vma->vm_start; a < vma->vm_end; a += P) {
            model[a] = vma->vm_flags & VM_ACCESS_FLAGS;
          }
        }
      }
      std::map<uint64_t, VmFlags> seen;
      VMA_ITERATOR(vmi, space.tree(), 0);
      Vma* vma;
      for_each_vma(vmi, vma) {
        for (uint64_t a = vma->vm_start; a < vma->vm_end; a += P) {
          seen[a] = vma->vm_flags & VM_ACCESS_FLAGS;
        }
      }
      if (seen != model) std::abort();
    }
  }
  if (!world.vmas.empty() || !world.nodes.empty() || !world.pages.empty() || !world.ptes.empty()) {
    std::abort();
  }
  return 0;
}
