// Fixed pools of objects for in-kernel tests that must not depend on the page allocator: VMAs,
// VmaTree nodes and pages come from static arrays. take() and give() are O(1); give() checks
// that the object came from this pool and is out, so a double free or a stray pointer panics.
// After reset() the pool hands out its slots in order again, the first slot first.
#pragma once

#include <stdint.h>

#include "kernel/lib/panic.h"
#include "kernel/mm/address_space.h"
#include "kernel/mm/vma_tree.h"

template <typename T, uint32_t N>
class StaticPool {
 public:
  StaticPool() { reset(); }
  StaticPool(const StaticPool&) = delete;
  StaticPool& operator=(const StaticPool&) = delete;

  // Every slot free and no limit. The objects keep their old contents.
  void reset() {
    for (uint32_t i = 0; i < N; i++) {
      m_free[i] = N - 1 - i;
      m_out[i] = false;
    }
    m_free_count = N;
    fail_after = -1;
  }
  // A free slot, or nullptr when all are out or the fail_after limit is used up.
  T* take() {
    if (fail_after == 0 || m_free_count == 0) return nullptr;
    if (fail_after > 0) fail_after--;
    const uint32_t i = m_free[--m_free_count];
    m_out[i] = true;
    return &m_slots[i];
  }
  void give(T* object) {
    const uint64_t i = static_cast<uint64_t>(object - m_slots);
    VERIFY(object >= m_slots && i < N && m_out[i]);
    m_out[i] = false;
    m_free[m_free_count++] = static_cast<uint32_t>(i);
  }
  uint32_t live() const { return N - m_free_count; }
  T* slot(uint32_t i) { return &m_slots[i]; }

  // How many more take() calls may succeed; -1 = no limit (the out-of-memory tests set it).
  int64_t fail_after = -1;

 private:
  T m_slots[N];
  uint32_t m_free[N];  // a stack of free slot numbers
  bool m_out[N];
  uint32_t m_free_count = 0;
};

// VmaTree::NODE_SIZE bytes with the node alignment, the unit of a node pool.
struct alignas(VmaTree::NODE_ALIGN) TreeNodeBlock {
  unsigned char bytes[VmaTree::NODE_SIZE];
};

template <uint32_t N>
VmaTreeAllocator node_allocator(StaticPool<TreeNodeBlock, N>& pool) {
  using Pool = StaticPool<TreeNodeBlock, N>;
  return {[](void* ctx) -> void* { return static_cast<Pool*>(ctx)->take(); },
          [](void* ctx, void* node) {
            static_cast<Pool*>(ctx)->give(static_cast<TreeNodeBlock*>(node));
          },
          &pool};
}

template <uint32_t N>
VmaAllocator vma_allocator(StaticPool<Vma, N>& pool) {
  using Pool = StaticPool<Vma, N>;
  return {[](void* ctx) { return static_cast<Pool*>(ctx)->take(); },
          [](void* ctx, Vma* vma) { static_cast<Pool*>(ctx)->give(vma); }, &pool};
}
