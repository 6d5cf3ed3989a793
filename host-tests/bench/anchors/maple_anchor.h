// Linux 6.12's maple tree (lib/maple_tree.c, built in user space with the kernel's own test
// harness, tools/testing/radix-tree) behind a small C interface, so the VmaTree bench can run the
// same workloads on it. One tree per handle, set up the way mm/ sets up mm->mm_mt but without
// RCU (MT_FLAGS_ALLOC_RANGE | MT_FLAGS_LOCK_EXTERN), and driven through the mas_* calls the VMA
// code uses. Ranges are half-open here, as in VmaTree; the maple tree stores them inclusive.
// Not thread-safe; maple_anchor_init() must run once, on the thread that uses the trees.
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct maple_anchor;

// Sets up the node cache and registers the calling thread with liburcu.
void maple_anchor_init(void);
// Bytes of one maple node (256 with the 64-bit layout).
size_t maple_anchor_node_size(void);
// Bytes of maple nodes currently allocated, over every tree.
size_t maple_anchor_node_bytes(void);

struct maple_anchor* maple_anchor_new(void);
// Destroys the tree and frees the handle.
void maple_anchor_delete(struct maple_anchor* tree);

// Stores entry over [start, end) (nothing may be there yet); 0, or a negative errno.
int maple_anchor_insert(struct maple_anchor* tree, uint64_t start, uint64_t end, void* entry);
// Removes the range containing addr; returns its entry, or NULL.
void* maple_anchor_erase(struct maple_anchor* tree, uint64_t addr);
// Linux's find_vma: the first entry ending above addr, or NULL.
void* maple_anchor_find(struct maple_anchor* tree, uint64_t addr);
// The first range ending above addr: 1 with its bounds and entry, or 0 if there is none.
int maple_anchor_entry(struct maple_anchor* tree, uint64_t addr, uint64_t* start, uint64_t* end,
                       void** entry);
// Stores entry over [start, end), overwriting whatever is there (NULL clears); 0 or -errno.
int maple_anchor_store(struct maple_anchor* tree, uint64_t start, uint64_t end, void* entry);
// Sums the entries of the next n ranges from addr on (for_each_vma's mas_find steps).
uintptr_t maple_anchor_walk(struct maple_anchor* tree, uint64_t addr, uint64_t n);
// Lowest start of a hole of size bytes inside [low, high), or 0 if none.
uint64_t maple_anchor_hole_lowest(struct maple_anchor* tree, uint64_t low, uint64_t high,
                                  uint64_t size);
// Highest start of a hole of size bytes inside [low, high), or 0 if none.
uint64_t maple_anchor_hole_highest(struct maple_anchor* tree, uint64_t low, uint64_t high,
                                   uint64_t size);

#ifdef __cplusplus
}
#endif
