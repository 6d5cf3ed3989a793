// Helpers over VmaTree nodes shared by the tree's source files (lookups, writes, search
// and validation). Internal to kernel/mm/vma_tree*.cc.
#pragma once

#include "kernel/mm/vma_tree.h"

namespace vma_tree_detail {

// A node's summary depends only on the entries below it; the hole in front of its first entry
// belongs to whichever ancestor sees both sides of it.
// The largest hole between leaf n's entries, given that none is larger than `bound`: the scan
// stops at the first hole that reaches it. When a change removed a largest hole, another one as
// large often remains in the leaf (equal holes are common: one-page holes, guard gaps), and then
// the scan ends there. Two holes per step: the test against the bound is of the larger one.
inline uint64_t largest_hole_until(const Leaf* n, uint64_t bound) {
  const uint32_t count = static_cast<uint32_t>(n->count);
  uint64_t gap = 0;
  uint32_t k = 1;
  for (; k + 1 < count; k += 2) {
    const uint64_t hole = kstd::max(n->start[k] - n->end[k - 1], n->start[k + 1] - n->end[k]);
    if (hole >= bound) return hole;
    gap = kstd::max(gap, hole);
  }
  return k < count ? kstd::max(gap, n->start[k] - n->end[k - 1]) : gap;
}

inline Summary summarize(const Leaf* n) {
  return {n->start[0], n->end[n->count - 1], largest_hole_until(n, kstd::U64_MAX)};
}

inline Summary summarize(const Inner* n) {
  uint64_t gap = n->gap[0];
  for (uint32_t i = 1; i < n->count; i++) {
    gap = kstd::max(gap, n->gap[i]);
    gap = kstd::max(gap, n->lo[i] - n->hi[i - 1]);
  }
  return {n->lo[0], n->hi[n->count - 1], gap};
}

// Index of the first key > addr among a node's n sorted keys, or n. The unused slots hold
// U64_MAX (see vma_tree.h), above every addr but U64_MAX itself, so the position is the number of
// keys <= addr among all CAP slots: one comparison at the middle picks the half that holds the
// position, and the keys of that half (a fixed number of slots from a computed start) are counted
// without a data-dependent branch, whatever the node's fill. Clamping to n covers addr == U64_MAX.
template <uint32_t CAP>
inline uint32_t first_above(const uint64_t* keys, uint32_t n, uint64_t addr) {
  // If keys[HALF - 1] > addr, so are all keys from it on, and the scan from slot 0 (one slot
  // longer than the lower half) counts only the lower half's keys <= addr.
  constexpr uint32_t HALF = CAP / 2;
  const uint32_t base = keys[HALF - 1] <= addr ? HALF : 0;
  uint32_t i = base;
  for (uint32_t j = 0; j < CAP - HALF; j++) i += keys[base + j] <= addr;
  return kstd::min(i, n);
}

// For a node known only by its level.
inline Summary summarize(const void* node, bool leaf) {
  return leaf ? summarize(static_cast<const Leaf*>(node))
              : summarize(static_cast<const Inner*>(node));
}

// Starts fetching the first `bytes` bytes of a node, line by line.
inline void prefetch_lines(const void* node, size_t bytes) {
  const char* p = static_cast<const char*>(node);
  for (size_t off = 0; off < bytes; off += 64) __builtin_prefetch(p + off);
}

// Starts fetching every cache line of a node that a walk will reach soon.
inline void prefetch_node(const void* node) { prefetch_lines(node, VmaTree::NODE_SIZE); }

// Starts fetching what a descent reads of a node (see the layouts in vma_tree.h): issued on
// entry, the line holding the pointer taken arrives with the keys rather than after them.
inline void prefetch_descent(const Inner* n) { prefetch_lines(n, offsetof(Inner, lo)); }
inline void prefetch_descent(const Leaf* n) { prefetch_lines(n, offsetof(Leaf, start)); }

}  // namespace vma_tree_detail

// Inline, as every store, insert and erase reads the entry its descent found.
inline VmaTreeEntry VmaTree::entry_at(const Path& path) const {
  const auto* leaf = static_cast<const vma_tree_detail::Leaf*>(path.node[m_height - 1]);
  const uint32_t k = path.slot[m_height - 1];
  return {leaf->start[k], leaf->end[k], leaf->vma[k]};
}
