// The maple tree side of the VmaTree bench: lib/maple_tree.c compiled into this file against the
// user-space kernel shims of tools/testing/shared (kmem_cache over malloc, locks over pthreads,
// RCU over liburcu). The Makefile passes -DCONFIG_64BIT: the harness defines it only in a header
// that maple_tree.h is read before, so without it the tree gets the 32-bit layout (63 slots of 8
// bytes, 512-byte nodes on x86-64). The debug and search-test switches the harness's own shim
// turns on are left off, so this is the tree as the kernel builds it.
#include "shared.h"

#include <assert.h>
#include <linux/init.h>
#include <stdlib.h>

// The harness's kmem_cache (tools/testing/shared/linux.c) counts objects out; it has no header.
unsigned long kmem_cache_nr_allocated(struct kmem_cache* cachep);

#include "../../../lib/maple_tree.c"
#include "host-tests/bench/anchors/maple_anchor.h"

_Static_assert(sizeof(struct maple_node) == 256, "maple tree built with the 32-bit node layout");

struct maple_anchor {
  struct maple_tree mt;
};

void maple_anchor_init(void) {
  rcu_register_thread();
  maple_tree_init();
}

size_t maple_anchor_node_size(void) { return sizeof(struct maple_node); }

size_t maple_anchor_node_bytes(void) {
  return kmem_cache_nr_allocated(maple_node_cache) * sizeof(struct maple_node);
}

struct maple_anchor* maple_anchor_new(void) {
  struct maple_anchor* tree = malloc(sizeof(*tree));
  assert(tree);
  // mm's MM_MT_FLAGS without MT_FLAGS_USE_RCU: the bench has no concurrent readers.
  mt_init_flags(&tree->mt, MT_FLAGS_ALLOC_RANGE | MT_FLAGS_LOCK_EXTERN);
  return tree;
}

void maple_anchor_delete(struct maple_anchor* tree) {
  __mt_destroy(&tree->mt);
  free(tree);
}

int maple_anchor_insert(struct maple_anchor* tree, uint64_t start, uint64_t end, void* entry) {
  MA_STATE(mas, &tree->mt, start, end - 1);
  return mas_store_gfp(&mas, entry, GFP_KERNEL);
}

void* maple_anchor_erase(struct maple_anchor* tree, uint64_t addr) {
  MA_STATE(mas, &tree->mt, addr, addr);
  return mas_erase(&mas);
}

void* maple_anchor_find(struct maple_anchor* tree, uint64_t addr) {
  unsigned long index = addr;
  return mt_find(&tree->mt, &index, ULONG_MAX);
}

int maple_anchor_entry(struct maple_anchor* tree, uint64_t addr, uint64_t* start, uint64_t* end,
                       void** entry) {
  MA_STATE(mas, &tree->mt, addr, addr);
  void* found = mas_find(&mas, ULONG_MAX);
  if (!found) return 0;
  *start = mas.index;
  *end = mas.last + 1;
  *entry = found;
  return 1;
}

int maple_anchor_store(struct maple_anchor* tree, uint64_t start, uint64_t end, void* entry) {
  MA_STATE(mas, &tree->mt, start, end - 1);
  return mas_store_gfp(&mas, entry, GFP_KERNEL);
}

uintptr_t maple_anchor_walk(struct maple_anchor* tree, uint64_t addr, uint64_t n) {
  MA_STATE(mas, &tree->mt, addr, addr);
  uintptr_t sum = 0;
  for (uint64_t k = 0; k < n; k++) {
    void* entry = mas_find(&mas, ULONG_MAX);
    if (!entry) break;
    sum += (uintptr_t)entry;
  }
  return sum;
}

uint64_t maple_anchor_hole_lowest(struct maple_anchor* tree, uint64_t low, uint64_t high,
                                  uint64_t size) {
  MA_STATE(mas, &tree->mt, 0, 0);
  if (mas_empty_area(&mas, low, high - 1, size)) return 0;
  return mas.index;
}

uint64_t maple_anchor_hole_highest(struct maple_anchor* tree, uint64_t low, uint64_t high,
                                   uint64_t size) {
  MA_STATE(mas, &tree->mt, 0, 0);
  if (mas_empty_area_rev(&mas, low, high - 1, size)) return 0;
  return mas.last + 1 - size;
}
