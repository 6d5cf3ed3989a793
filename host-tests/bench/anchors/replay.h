// A mixed mmap/munmap/mprotect replay for the VmaTree bench: the same generated sequence of calls
// on each of the four structures through a small VMA layer written once over their common
// interface (GenericVm), and on a real AddressSpace (AddressSpaceVm, the kernel's own code over
// VmaTree). Both follow Linux's rules for private anonymous mappings as far as the sequence
// reaches: top-down placement in the highest hole that fits below mmap_base; munmap trims and
// splits; mprotect works VMA by VMA, fails with ENOMEM at the first hole (keeping what it changed
// before it) and sets VM_ACCOUNT once a mapping becomes writable, never clearing it; neighbours
// with equal flags merge after mmap and mprotect. Every mapping stays writable, so VM_ACCOUNT
// (which AddressSpace does not set) is the same everywhere. The checksum covers every call's result
// and the final layout, so a layer that placed, split or merged differently shows up as a mismatch.
#pragma once

#include <stdint.h>

#include <random>
#include <vector>

#include "host-tests/bench/anchors/structures.h"
#include "kernel/mm/address_space.h"

namespace anchors {

inline constexpr uint64_t REPLAY_MIN_ADDR = 0x10000;
inline constexpr uint64_t REPLAY_MMAP_BASE = uint64_t{1} << 46;
// The flags a layout is compared on.
inline constexpr VmFlags REPLAY_FLAGS = VM_ACCESS_FLAGS;

inline VmFlags mmap_flags(int prot) {
  VmFlags f = static_cast<VmFlags>(prot) & VM_ACCESS_FLAGS;
  return f | ((f & VM_WRITE) ? VM_ACCOUNT : 0);
}

inline VmFlags mprotect_flags(VmFlags old, int prot) {
  return (old & VM_ACCOUNT) | mmap_flags(prot);
}

inline uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x9e3779b97f4a7c15ull + (h >> 29); }

template <class Side>
class GenericVm {
 public:
  // A hint is taken when [hint, hint + len) is free, as Linux takes it.
  uint64_t mmap(uint64_t hint, uint64_t len, int prot) {
    uint64_t s, e;
    uintptr_t f;
    uint64_t a = hint;
    if (a == 0 || (m_side.entry(a, &s, &e, &f) && s < a + len))
      a = m_side.hole_highest(REPLAY_MIN_ADDR, REPLAY_MMAP_BASE, len);
    if (a == 0) return 0;
    m_side.store(a, a + len, mmap_flags(prot));
    merge(a, a + len);
    return a;
  }
  int munmap(uint64_t start, uint64_t len) {
    m_side.store(start, start + len, 0);
    return 0;
  }
  int mprotect(uint64_t start, uint64_t len, int prot) {
    const uint64_t end = start + len;
    uint64_t cursor = start;
    int rc = 0;
    while (cursor < end) {
      uint64_t s, e;
      uintptr_t f;
      if (!m_side.entry(cursor, &s, &e, &f) || s > cursor) {
        rc = -1;
        break;
      }
      const uint64_t piece_end = e < end ? e : end;
      const VmFlags nf = mprotect_flags(f, prot);
      if (nf != f) m_side.store(cursor, piece_end, nf);
      cursor = piece_end;
    }
    if (cursor > start) merge(start, cursor);
    return rc;
  }
  uint64_t layout() const {
    uint64_t h = 0;
    uint64_t s, e, addr = 0;
    uintptr_t f;
    while (m_side.entry(addr, &s, &e, &f)) {
      h = mix(mix(mix(h, s), e), f & REPLAY_FLAGS);
      addr = e;
    }
    return h;
  }

 private:
  // Merges every two neighbours with equal flags whose boundary lies in [lo, hi].
  void merge(uint64_t lo, uint64_t hi) {
    uint64_t cursor = lo - 1;
    uint64_t s, e, s2, e2;
    uintptr_t f, f2;
    while (m_side.entry(cursor, &s, &e, &f) && s <= hi && e <= hi) {
      if (m_side.entry(e, &s2, &e2, &f2) && s2 == e && f2 == f) {
        m_side.store(s, e2, f);
      } else {
        cursor = e;
      }
    }
  }

  Side m_side;
};

// The kernel's AddressSpace, its VMAs and tree nodes from ObjectCaches over the host pages, with
// an MMU that has nothing mapped (the replay never faults a page in).
class AddressSpaceVm {
 public:
  AddressSpaceVm() {
    if (init_vma_cache(m_vmas, &host_pages().allocator).is_error() ||
        init_vma_tree_node_cache(m_nodes, &host_pages().allocator).is_error())
      die("AddressSpace caches init failed");
    AddressSpaceLayout layout;
    layout.mmap_min_addr = REPLAY_MIN_ADDR;
    layout.mmap_base = REPLAY_MMAP_BASE;
    layout.task_size = REPLAY_MMAP_BASE << 1;
    layout.mmap_window = layout.task_size;
    layout.unmapped_base = REPLAY_MMAP_BASE / 3;
    layout.max_map_count = ~uint64_t{0};
    MmuOps mmu;
    mmu.map = [](void*, uint64_t, uint64_t, uint64_t, VmFlags) -> Result<void> {
      return Error::NoMemory;
    };
    mmu.unmap = [](void*, uint64_t, uint64_t) {};
    mmu.protect = [](void*, uint64_t, uint64_t, VmFlags) {};
    mmu.remap = [](void*, uint64_t, uint64_t, VmFlags) { die("AddressSpace remapped a page"); };
    mmu.walk = [](void*, uint64_t, uint64_t, MmuVisitFn, void*) {};
    mmu.context = nullptr;
    PageSource pages;
    pages.alloc_zeroed = [](void*) -> Result<uint64_t> { return Error::NoMemory; };
    pages.free = [](void*, uint64_t) { die("AddressSpace freed a page it never had"); };
    pages.context = nullptr;
    pages.zero_page = 0;  // never mapped: map() fails
    m_space = new AddressSpace(layout, vma_allocator_from(m_vmas), vma_tree_allocator_from(m_nodes),
                               mmu, pages);
  }
  ~AddressSpaceVm() {
    delete m_space;
    m_nodes.shrink();
    m_vmas.shrink();
  }
  uint64_t mmap(uint64_t hint, uint64_t len, int prot) {
    Result<uint64_t> r = m_space->mmap(hint, len, prot, MAP_PRIVATE | MAP_ANONYMOUS);
    return r.is_ok() ? r.value() : 0;
  }
  int munmap(uint64_t start, uint64_t len) { return m_space->munmap(start, len).is_ok() ? 0 : -1; }
  int mprotect(uint64_t start, uint64_t len, int prot) {
    return m_space->mprotect(start, len, prot).is_ok() ? 0 : -1;
  }
  uint64_t layout() const {
    uint64_t h = 0;
    VMA_ITERATOR(vmi, m_space->tree(), 0);
    Vma* vma;
    for_each_vma(vmi, vma) {
      h = mix(mix(mix(h, vma->vm_start), vma->vm_end), vma->vm_flags & REPLAY_FLAGS);
    }
    return h;
  }

 private:
  ObjectCache m_vmas;
  ObjectCache m_nodes;
  AddressSpace* m_space;
};

// Generates the calls: first `n` mmaps of one to four pages at hinted addresses below mmap_base,
// every fourth followed by a hole of one to four pages (set-up: a search through ranges packed
// without holes would cost the maps O(n) per call), then batches of mixed calls on the mappings
// made so far: 40 % mmap without a hint, 30 % munmap of a whole earlier mapping, 30 % mprotect
// of one (which may by then span several VMAs, or holes) to read-write or read-write-execute.
class ReplayScript {
 public:
  ReplayScript(uint64_t seed) : m_rng(seed) {}
  template <class Vm>
  uint64_t setup(Vm& vm, uint64_t n) {
    uint64_t h = 0;
    uint64_t top = REPLAY_MMAP_BASE;
    for (uint64_t k = 0; k < n; k++) {
      const uint64_t len = (1 + m_rng() % 4) * PAGE_SIZE;
      top -= len;
      h = mix(h, do_mmap(vm, top, len));
      if (k % 4 == 3) top -= (1 + m_rng() % 4) * PAGE_SIZE;
    }
    return h;
  }
  template <class Vm>
  uint64_t batch(Vm& vm, uint64_t calls) {
    uint64_t h = 0;
    for (uint64_t k = 0; k < calls; k++) {
      const uint64_t r = m_rng() % 10;
      if (r < 4 || m_live.empty()) {
        h = mix(h, do_mmap(vm, 0, (1 + m_rng() % 4) * PAGE_SIZE));
        continue;
      }
      const size_t i = m_rng() % m_live.size();
      const Mapping m = m_live[i];
      if (r < 7) {
        h = mix(h, static_cast<uint64_t>(vm.munmap(m.start, m.len)));
        m_live[i] = m_live.back();
        m_live.pop_back();
      } else {
        h = mix(h, static_cast<uint64_t>(vm.mprotect(m.start, m.len, prot())));
      }
    }
    return h;
  }

 private:
  struct Mapping {
    uint64_t start;
    uint64_t len;
  };
  int prot() {
    // Writable either way, so that VM_ACCOUNT is the same on every VMA and never decides a merge.
    static constexpr int PROTS[] = {PROT_READ | PROT_WRITE, PROT_READ | PROT_WRITE | PROT_EXEC};
    return PROTS[m_rng() % 2];
  }
  template <class Vm>
  uint64_t do_mmap(Vm& vm, uint64_t hint, uint64_t len) {
    const uint64_t a = vm.mmap(hint, len, prot());
    if (a) m_live.push_back({a, len});
    return a;
  }

  std::mt19937_64 m_rng;
  std::vector<Mapping> m_live;
};

}  // namespace anchors
