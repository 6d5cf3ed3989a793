// A bounded batch of present translations, gathered by one MmuOps::walk: how the address space
// visits a range of any size with a fixed amount of stack, as Linux's mmu_gather batches pages
// (include/asm-generic/tlb.h). Unmapping frees the batch's pages only after their translations
// are gone; mremap maps each page of the batch at its new address.
#pragma once

#include <stdint.h>

#include "kernel/mm/mmu_ops.h"
#include "kernel/mm/page_allocator.h"

struct MmuBatch {
  static constexpr uint32_t CAPACITY = 32;

  uint64_t va[CAPACITY];
  uint64_t pa[CAPACITY];
  uint32_t count = 0;

  // A full batch may have stopped short of the range's end; the next one starts at resume().
  bool full() const { return count == CAPACITY; }
  uint64_t resume() const { return va[CAPACITY - 1] + PAGE_SIZE; }
};

// The first MmuBatch::CAPACITY present translations of [start, end), in address order.
inline MmuBatch mmu_gather(const MmuOps& mmu, uint64_t start, uint64_t end) {
  MmuBatch batch;
  auto add = [](void* cookie, uint64_t va, uint64_t pa, MmuAccess) {
    auto* b = static_cast<MmuBatch*>(cookie);
    b->va[b->count] = va;
    b->pa[b->count] = pa;
    return ++b->count < MmuBatch::CAPACITY;
  };
  mmu.walk(mmu.context, start, end, add, &batch);
  return batch;
}
