// libFuzzer target for AddressSpace: each input is a program of mmap, munmap, mprotect, mremap,
// brk, madvise, mincore and fault operations (stack growth and shared anonymous memory among
// them) around a small window, with allocation failures injected, under one of the mmap windows
// of set_mmap_window (the input's first byte chooses). Every step runs on the space
// and on the page-granular reference model (address_space_model.h): results,
// error codes, VMAs, map count, break and page table must agree. After every step the tree must
// be valid and agree with the VMA objects, and every present page must lie in a VMA, carry its
// access bits and be a live page. Teardown must free everything.

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>

#include "host-tests/address_space_model_check.h"

namespace {

constexpr uint64_t P = PAGE_SIZE;
constexpr uint64_t BASE = 0x40000000;
constexpr uint64_t WINDOW = 64;  // pages
constexpr uint64_t START_BRK = BASE + 72 * P;

struct World {
  std::set<Vma*> vmas;
  std::set<void*> nodes;
  std::set<uint64_t> pages;
  ModelPtes ptes;    // va -> {pa, access bits}
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
  o.remap = [](void*, uint64_t va, uint64_t pa, VmFlags flags) {
    auto it = g->ptes.find(va);
    if (it == g->ptes.end()) std::abort();
    it->second = std::make_pair(pa, flags);
  };
  o.walk = [](void*, uint64_t start, uint64_t end, MmuVisitFn visit, void* cookie) {
    for (auto it = g->ptes.lower_bound(start); it != g->ptes.end() && it->first < end; ++it) {
      const MmuAccess access{it->second.second & VM_TRANSLATION_FLAGS, true};
      if (!visit(cookie, it->first, it->second.first, access)) return;
    }
  };
  o.context = nullptr;
  return o;
}

// The zero page, then a page of zeros to check it against: nothing may write it.
alignas(4096) uint8_t g_zero_page[2 * P];
uint64_t zero_page() { return reinterpret_cast<uint64_t>(g_zero_page); }

// Real memory: file pages are filled through arch_phys_to_virt, the identity on the host.
PageSource fake_pages() {
  PageSource s;
  s.alloc_zeroed = [](void*) -> Result<uint64_t> {
    if (!g->take()) return Error::NoMemory;
    void* page = std::aligned_alloc(P, P);
    std::memset(page, 0, P);
    const auto pa = reinterpret_cast<uint64_t>(page);
    g->pages.insert(pa);
    return pa;
  };
  s.free = [](void*, uint64_t pa) {
    if (g->pages.erase(pa) != 1) std::abort();
    std::free(reinterpret_cast<void*>(pa));
  };
  s.context = nullptr;
  s.zero_page = zero_page();
  return s;
}

void check(const AddressSpace& space) {
  if (space.tree().validate().is_error()) std::abort();
  VMA_ITERATOR(vmi, space.tree(), 0);
  Vma* vma;
  uint64_t count = 0;
  bool shmem = false;
  for_each_vma(vmi, vma) {
    if (vmi.addr() != vma->vm_start || vmi.end() != vma->vm_end) std::abort();
    if (!g->vmas.count(vma) || vma->detached_next != nullptr) std::abort();
    count++;
    shmem = shmem || vma->shmem_inode != 0;
  }
  if (count != g->vmas.size() || count != space.map_count()) std::abort();
  uint64_t zero_ptes = 0;
  for (const auto& [va, pte] : g->ptes) {
    const Vma* owner = space.vma_lookup(va);
    if (owner == nullptr) std::abort();
    VmFlags access = owner->vm_flags & VM_TRANSLATION_FLAGS;
    // The zero page is shared and read-only; it is no page of the allocator's.
    const bool zero = pte.first == zero_page();
    if (zero) access = cow_access(access);
    zero_ptes += zero ? 1 : 0;
    if (pte.second != access) std::abort();
    if (!zero && !g->pages.count(pte.first)) std::abort();
  }
  // Each other live page is mapped once, unless shmem objects exist: they hold pages (and their
  // table's) mapped nowhere or at several addresses, until their last VMA goes.
  if (!shmem && g->pages.size() + zero_ptes != g->ptes.size()) std::abort();
  if (std::memcmp(g_zero_page, g_zero_page + P, P) != 0) std::abort();
}

uint8_t g_bytes[16 * P] = {1, 2, 3};
const VmFile g_files[2] = {{"/a", 16 * P, 8, 1, 10, g_bytes}, {"/b", 3 * P + 5, 8, 1, 11, g_bytes}};

// Six bytes a step (after the window byte): kind, address, length, argument, failure budget,
// second address or length.
ModelOp decode(const AddressSpaceLayout& l, const uint8_t* b) {
  static const int prots[] = {PROT_NONE,
                              PROT_READ,
                              PROT_READ | PROT_WRITE,
                              PROT_READ | PROT_EXEC,
                              PROT_EXEC,
                              PROT_READ | PROT_WRITE | PROT_EXEC};
  // Under a window below the task size, the top two bits choose an anchor to be near.
  auto page = [&l](uint8_t v) {
    if (l.mmap_window == l.task_size) return BASE + (v % (WINDOW + 40)) * P - 32 * P;
    return mmap_window_anchor(l, v >> 6, BASE + 32 * P) + (v % 64) * P - 32 * P;
  };
  ModelOp op;
  op.addr = page(b[1]);
  op.len = (1 + b[2] % 16) * P - (b[2] & 0x80 ? b[5] % P : 0);
  const uint8_t arg = b[3];
  op.prot = prots[arg % 6];
  switch (b[0] % 8) {
    case 0: {
      op.kind = ModelOp::Mmap;
      const int place = (arg >> 3) % 4;
      op.flags = place == 0 ? MAP_FIXED : place == 1 ? MAP_FIXED_NOREPLACE : 0;
      if (place == 3) op.addr = 0;
      const int what = (arg >> 5) % 8;
      if (what < 2) {
        op.file = &g_files[what];
        op.offset = (b[5] % 8) * P;
        op.flags |= (b[0] & 0x40) ? MAP_SHARED : MAP_PRIVATE;
      } else if (what == 7) {
        op.flags |= MAP_SHARED | MAP_ANONYMOUS;  // a shmem object of its own
      } else {
        op.flags |= MAP_PRIVATE | MAP_ANONYMOUS | (what == 2 ? MAP_GROWSDOWN : 0);
      }
      if ((b[0] & 0xc0) == 0xc0) op.flags &= ~MAP_TYPE;
      // MAP_DROPPABLE, MAP_SHARED_VALIDATE (with MAP_SYNC, which it refuses on a file), and a
      // file range ending past MAX_LFS_FILESIZE.
      if ((b[2] & 0x70) == 0x70) op.flags = (op.flags & ~MAP_TYPE) | MAP_DROPPABLE;
      if ((b[2] & 0x70) == 0x60) op.flags = (op.flags & ~MAP_TYPE) | MAP_SHARED_VALIDATE;
      if ((b[2] & 0x70) == 0x50) op.flags |= MAP_SYNC | MAP_HUGETLB;
      if ((b[5] & 0xf8) == 0xf8) op.offset = 0x7ffffffffffff000;
      if ((b[2] & 0x70) == 0x40) op.flags |= MAP_NORESERVE_GENERIC;
      // MAP_LOCKED, MAP_POPULATE and MAP_STACK.
      if ((b[2] & 0x70) == 0x30) op.flags |= (b[5] & 1) ? MAP_LOCKED_GENERIC : MAP_POPULATE;
      if ((b[2] & 0x70) == 0x20) op.flags |= MAP_STACK;
      if ((b[0] & 0x30) == 0x30) op.offset += 1;
      if ((b[0] & 0x28) == 0x28) op.addr += 8;
      break;
    }
    case 1:
      op.kind = ModelOp::Munmap;
      if ((b[0] & 0x30) == 0x30) op.addr += 8;
      break;
    case 2:
      op.kind = ModelOp::Mprotect;
      if (b[0] & 0x40) op.prot |= PROT_GROWSDOWN;
      if ((b[0] & 0xa0) == 0xa0) op.prot |= PROT_GROWSUP;
      if ((b[0] & 0x18) == 0x18) op.prot |= 0x40;
      break;
    case 3: {
      op.kind = ModelOp::Mremap;
      const int how = arg % 8;
      op.flags = how < 3 ? MREMAP_MAYMOVE : how < 5 ? MREMAP_MAYMOVE | MREMAP_FIXED : 0;
      if (how == 7) op.flags = (arg & 8) ? MREMAP_FIXED : MREMAP_DONTUNMAP | MREMAP_MAYMOVE;
      op.new_addr = page(b[5]);
      op.new_len = (1 + (arg >> 4)) * P;
      // MREMAP_DONTUNMAP with equal lengths, and old_len 0 (a duplicate of shared memory).
      if (how == 6) {
        op.flags = MREMAP_DONTUNMAP | MREMAP_MAYMOVE | ((b[2] & 1) ? MREMAP_FIXED : 0);
        op.new_len = op.len;
      }
      if ((b[2] & 0x0e) == 0x0e) op.len = 0;
      break;
    }
    case 4:
      op.kind = ModelOp::Brk;
      op.addr = arg % 16 == 0 ? 0 : START_BRK - 2 * P + (arg % 24) * P + (b[2] & 1) * 100;
      break;
    case 5:
      op.kind = ModelOp::Fault;
      op.addr += b[5] * 16;
      op.access = static_cast<FaultAccess>(arg % 3);
      break;
    case 6: {
      op.kind = ModelOp::Madvise;
      static const int advice[] = {MADV_DONTNEED, MADV_DONTNEED_LOCKED, MADV_DONTNEED, 8};
      op.flags = advice[arg % 4];
      if ((b[0] & 0x30) == 0x30) op.addr += 8;
      if ((b[0] & 0xc0) == 0xc0) op.len = UINT64_MAX - b[5];
      if ((b[0] & 0xc0) == 0x80) op.len = 0;
      break;
    }
    default:
      op.kind = ModelOp::Mincore;
      op.flags = arg % 20;
      if ((b[0] & 0x30) == 0x30) op.addr += 8;
      if ((b[0] & 0xc0) == 0xc0) op.len = l.task_size - op.addr + P;
      if ((b[0] & 0xc0) == 0x80) op.len = 0;
      break;
  }
  return op;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World world;
  g = &world;
  AddressSpaceLayout layout;
  layout.mmap_min_addr = 0x10000;
  layout.mmap_base = BASE + WINDOW * P;
  layout.task_size = uint64_t{1} << 47;
  layout.mmap_window = layout.task_size;
  layout.unmapped_base = 0x200000000000;
  if (size > 0) set_mmap_window(layout, static_cast<MmapWindow>(data[0] % MMAP_WINDOWS));
  layout.start_brk = layout.brk = START_BRK;
  layout.max_map_count = 40;
  layout.stack_guard_gap = 6 * P;
  layout.stack_rlimit = 12 * P;
  layout.commit_limit_pages = 9;
  layout.thp = true;
  {
    AddressSpace space(layout, VmaAllocator{alloc_vma, free_vma, nullptr},
                       VmaTreeAllocator{alloc_node, free_node, nullptr}, fake_mmu(), fake_pages());
    AddressSpaceModel model(layout);
    for (size_t i = 1; i + 6 <= size; i += 6) {
      const ModelOp op = decode(layout, data + i);
      const bool inject = data[i + 4] < 48 && !may_populate(model, op);
      world.budget = inject ? data[i + 4] % 4 : -1;
      const std::string why = check_step(model, space, op, inject, [] { return g->ptes; });
      world.budget = -1;
      if (!why.empty()) {
        std::fprintf(stderr, "step %zu (op %d): %s\n", (i - 1) / 6, int{op.kind}, why.c_str());
        std::abort();
      }
      check(space);
    }
  }
  if (!world.vmas.empty() || !world.nodes.empty() || !world.pages.empty() || !world.ptes.empty()) {
    std::abort();
  }
  return 0;
}
