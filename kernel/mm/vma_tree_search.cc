// VmaTree: unmapped-area search over the gap metadata, invariant checking, and the VMA iterator.
#include "kernel/mm/vma_tree.h"

#include "kernel/mm/vma_tree_node.h"

namespace {

using vma_tree_detail::first_above;
using vma_tree_detail::Inner;
using vma_tree_detail::INNER_CAP;
using vma_tree_detail::Leaf;
using vma_tree_detail::LEAF_CAP;
using Summary = vma_tree_detail::Summary;
using vma_tree_detail::prefetch_descent;
using vma_tree_detail::prefetch_node;
using vma_tree_detail::summarize;

// How many leaves ahead a walk fetches the next leaf (a leaf is eight cache lines).
constexpr uint32_t LEAF_PREFETCH = 8;

// Fetches what a walk will read of a leaf ahead. A bounded one (vma_find) compares each start
// with its bound; an unbounded one (vma_next) reads the starts only for a caller that asks for
// them (addr()), so it leaves their lines out: a walk through memory-resident leaves then reads
// a quarter less.
void prefetch_walk(const void* leaf, uint64_t max) {
  if (max == VmaTree::ADDRESS_END) {
    prefetch_descent(static_cast<const Leaf*>(leaf));
  } else {
    prefetch_node(leaf);
  }
}

// The window a search may use, and the alignment rule: a valid answer a satisfies
// low <= a, a + size <= high and (a - offset) & mask == 0.
struct Want {
  uint64_t low;
  uint64_t high;
  uint64_t size;
  uint64_t mask;
  uint64_t offset;
};

// Lowest fitting address inside the hole [hs, he), if any.
bool fit_low(uint64_t hs, uint64_t he, const Want& w, uint64_t* out) {
  uint64_t cs = kstd::max(hs, w.low);
  uint64_t ce = kstd::min(he, w.high);
  if (ce <= cs || ce - cs < w.size) return false;
  // Unsigned wrap-around is harmless here: 2^64 is a multiple of every power-of-two alignment.
  uint64_t bump = (w.offset - cs) & w.mask;
  if (bump > ce - cs - w.size) return false;
  *out = cs + bump;
  return true;
}

// Highest fitting address inside the hole [hs, he), if any.
bool fit_high(uint64_t hs, uint64_t he, const Want& w, uint64_t* out) {
  uint64_t cs = kstd::max(hs, w.low);
  uint64_t ce = kstd::min(he, w.high);
  if (ce <= cs || ce - cs < w.size) return false;
  uint64_t top = ce - w.size;
  uint64_t drop = (top - w.offset) & w.mask;
  if (drop > top - cs) return false;
  *out = top - drop;
  return true;
}

Result<void> fail(const char** why, const char* message) {
  if (why) *why = message;
  return Error::Invalid;
}

}  // namespace

// Both searches visit holes in address order (or reverse) and enter a child only when its
// largest hole, or the hole in front of it, is at least `size` and it overlaps the window. Only
// alignment and the window edges can make such a hole fail, and then the search moves on.
bool VmaTree::search_up(const void* node, uint32_t depth, uint64_t low, uint64_t high,
                        uint64_t size, uint64_t mask, uint64_t offset, uint64_t* out) const {
  Want w{low, high, size, mask, offset};
  if (depth == m_height - 1) {
    const Leaf* n = static_cast<const Leaf*>(node);
    for (uint32_t k = 1; k < n->count; k++) {
      uint64_t hs = n->end[k - 1];
      uint64_t he = n->start[k];
      if (hs >= high) return false;
      if (he - hs >= size && fit_low(hs, he, w, out)) return true;
    }
    return false;
  }
  const Inner* n = static_cast<const Inner*>(node);
  for (uint32_t i = 0; i < n->count; i++) {
    if (n->hi[i] <= low) continue;
    if (i > 0) {
      uint64_t hs = n->hi[i - 1];
      uint64_t he = n->lo[i];
      if (hs >= high) return false;
      if (he - hs >= size && fit_low(hs, he, w, out)) return true;
    }
    if (n->lo[i] >= high) return false;
    if (n->gap[i] >= size && search_up(n->child[i], depth + 1, low, high, size, mask, offset, out))
      return true;
  }
  return false;
}

// Top-down, each node is entered at its last slot whose hole in front starts below high, found by
// a descent's scan (every later hole starts at or above high), or at its last slot when all of
// the node ends below high: every node the search enters after leaving the path to high.
bool VmaTree::search_down(const void* node, uint32_t depth, uint64_t low, uint64_t high,
                          uint64_t size, uint64_t mask, uint64_t offset, uint64_t* out) const {
  Want w{low, high, size, mask, offset};
  if (depth == m_height - 1) {
    const Leaf* n = static_cast<const Leaf*>(node);
    const uint32_t last = static_cast<uint32_t>(n->count) - 1;
    const uint32_t from =
        n->end[last] < high ? last : first_above<LEAF_CAP>(n->end, n->count, high - 1);
    for (uint32_t k = from; k > 0; k--) {
      uint64_t hs = n->end[k - 1];
      uint64_t he = n->start[k];
      if (he <= low) return false;
      if (he - hs >= size && fit_high(hs, he, w, out)) return true;
    }
    return false;
  }
  const Inner* n = static_cast<const Inner*>(node);
  const uint32_t last = static_cast<uint32_t>(n->count) - 1;
  const uint32_t from =
      n->hi[last] < high ? last : first_above<INNER_CAP>(n->hi, n->count, high - 1);
  for (uint32_t i = from + 1; i-- > 0;) {
    if (n->hi[i] <= low) return false;
    if (n->lo[i] < high && n->gap[i] >= size &&
        search_down(n->child[i], depth + 1, low, high, size, mask, offset, out))
      return true;
    if (i > 0) {
      uint64_t hs = n->hi[i - 1];
      uint64_t he = n->lo[i];
      if (he - hs >= size && fit_high(hs, he, w, out)) return true;
    }
  }
  return false;
}

Result<uint64_t> VmaTree::unmapped_area_bottomup(uint64_t low, uint64_t high, uint64_t size,
                                                 uint64_t align, uint64_t align_offset) const {
  return unmapped_area(false, low, high, size, align, align_offset);
}

Result<uint64_t> VmaTree::unmapped_area_topdown(uint64_t low, uint64_t high, uint64_t size,
                                                uint64_t align, uint64_t align_offset) const {
  return unmapped_area(true, low, high, size, align, align_offset);
}

// The holes in search order: top-down above the last entry, then inside the tree, then below
// the first entry; bottom-up the other way round.
Result<uint64_t> VmaTree::unmapped_area(bool topdown, uint64_t low, uint64_t high, uint64_t size,
                                        uint64_t align, uint64_t align_offset) const {
  if (size == 0 || !kstd::is_power_of_two(align) || low >= high) return Error::Invalid;
  if (high - low < size) return Error::NoMemory;
  const Want w{low, high, size, align - 1, align_offset};
  auto fit = [topdown](uint64_t hs, uint64_t he, const Want& want, uint64_t* out) {
    return topdown ? fit_high(hs, he, want, out) : fit_low(hs, he, want, out);
  };
  uint64_t addr = 0;
  if (!m_root) {
    if (fit(0, ADDRESS_END, w, &addr)) return addr;
    return Error::NoMemory;
  }
  const Summary s = summarize(m_root, m_height == 1);
  const uint64_t first_hole_start = topdown ? s.hi : 0;
  const uint64_t first_hole_end = topdown ? ADDRESS_END : s.lo;
  if (fit(first_hole_start, first_hole_end, w, &addr)) return addr;
  if (s.gap >= size && s.lo < high && s.hi > low) {
    const bool found = topdown
                           ? search_down(m_root, 0, low, high, size, w.mask, align_offset, &addr)
                           : search_up(m_root, 0, low, high, size, w.mask, align_offset, &addr);
    if (found) return addr;
  }
  const uint64_t last_hole_start = topdown ? 0 : s.hi;
  const uint64_t last_hole_end = topdown ? s.lo : ADDRESS_END;
  if (fit(last_hole_start, last_hole_end, w, &addr)) return addr;
  return Error::NoMemory;
}

Result<void> VmaTree::check_node(const void* node, uint32_t depth, Summary* summary,
                                 uint64_t* prev_end, bool* have_prev, uint64_t* entries,
                                 uint64_t* nodes, const char** why) const {
  (*nodes)++;
  bool root = depth == 0;
  if (depth == m_height - 1) {
    const Leaf* n = static_cast<const Leaf*>(node);
    if (n->count > LEAF_CAP) return fail(why, "leaf over capacity");
    if (n->count < (root ? 1u : LEAF_MIN)) return fail(why, "leaf under minimum fill");
    for (uint32_t k = n->count; k < LEAF_CAP; k++)
      if (n->end[k] != kstd::U64_MAX) return fail(why, "unused leaf slot not marked");
    for (uint32_t k = 0; k < n->count; k++) {
      if (!n->vma[k]) return fail(why, "null entry stored");
      if (n->start[k] >= n->end[k]) return fail(why, "empty or inverted range");
      if (*have_prev && n->start[k] < *prev_end) return fail(why, "ranges unsorted or overlapping");
      *prev_end = n->end[k];
      *have_prev = true;
    }
    *entries += n->count;
    *summary = summarize(node, true);
    return {};
  }
  if (depth + 1 >= m_height) return fail(why, "leaf depth mismatch");
  const Inner* n = static_cast<const Inner*>(node);
  if (n->count > INNER_CAP) return fail(why, "internal node over capacity");
  if (n->count < (root ? 2u : INNER_MIN)) return fail(why, "internal node under minimum fill");
  for (uint32_t i = n->count; i < INNER_CAP; i++)
    if (n->hi[i] != kstd::U64_MAX) return fail(why, "unused internal slot not marked");
  for (uint32_t i = 0; i < n->count; i++) {
    if (!n->child[i]) return fail(why, "null child");
    Summary c;
    TRY(check_node(n->child[i], depth + 1, &c, prev_end, have_prev, entries, nodes, why));
    if (c.lo != n->lo[i] || c.hi != n->hi[i]) return fail(why, "child bounds out of date");
    if (c.gap != n->gap[i]) return fail(why, "child gap out of date");
  }
  *summary = summarize(node, false);
  return {};
}

Result<void> VmaTree::validate(const char** why) const {
  uint32_t spares = 0;
  for (void* s = m_spare; s; s = *static_cast<void**>(s)) spares++;
  if (spares != m_spare_count) return fail(why, "spare pool count wrong");
  if (!m_root) {
    if (m_height != 0 || m_count != 0 || m_nodes != 0) return fail(why, "empty tree not reset");
    return {};
  }
  if (m_height == 0 || m_height > MAX_HEIGHT) return fail(why, "height out of range");
  Summary s;
  uint64_t prev_end = 0;
  bool have_prev = false;
  uint64_t entries = 0;
  uint64_t nodes = 0;
  TRY(check_node(m_root, 0, &s, &prev_end, &have_prev, &entries, &nodes, why));
  if (entries != m_count) return fail(why, "entry count wrong");
  if (nodes != m_nodes) return fail(why, "node count wrong");
  return {};
}

VmaIterator::Step VmaIterator::settle(const VmaTree* tree, const VmaTree::Path& path) {
  const uint32_t d = tree->m_height - 1;
  const Leaf* leaf = static_cast<const Leaf*>(path.node[d]);
  const uint32_t k = path.slot[d];
  Position pos = {tree,
                  tree->m_seq,
                  leaf,
                  d > 0 ? static_cast<const Inner*>(path.node[d - 1]) : nullptr,
                  k,
                  static_cast<uint32_t>(leaf->count),
                  d > 0 ? path.slot[d - 1] : 0u,
                  leaf->start[k],
                  leaf->end[k]};
  return {pos, leaf->vma[k]};
}

VmaIterator::Step VmaIterator::stay(uint32_t count) {
  Step step = {};
  step.pos.count = count;
  return step;
}

VmaIterator::Step VmaIterator::next_slow(const VmaTree* tree, uint64_t seq, uint32_t count,
                                         const Inner* parent, uint32_t parent_slot, uint64_t end,
                                         uint64_t max) {
  // Valid in an unchanged tree, the fast path failed only because the leaf has no entry after
  // the current one.
  const bool crossing = count != 0 && seq == tree->m_seq;
  if (crossing && parent && parent_slot + 1u < parent->count) {
    // The common way out of a leaf during a walk: on to the next leaf of the same parent. Fetch
    // the leaf a few ahead now, as leaves are scattered in memory once the tree has been modified.
    const uint32_t s = parent_slot + 1;
    const Leaf* leaf = static_cast<const Leaf*>(parent->child[s]);
    const uint64_t start = leaf->start[0];
    if (start >= max) return stay(count);  // the position stays on the current entry
    if (s + LEAF_PREFETCH < parent->count) prefetch_walk(parent->child[s + LEAF_PREFETCH], max);
    Position pos = {tree, seq,   leaf,        parent, 0, static_cast<uint32_t>(leaf->count),
                    s,    start, leaf->end[0]};
    return {pos, leaf->vma[0]};
  }
  // Walk from the root: the next range is the first one ending above the current end (or above
  // the position, which set()/reset() store as an empty range). Past a parent's last child this
  // costs a descent once per parent's worth of entries.
  VmaTree::Path path;
  if (!tree->lower_bound(end, path)) return stay(0);
  Step step = settle(tree, path);
  if (step.pos.start >= max) return stay(0);
  // A walk that left one parent goes on through the next one's leaves: start fetching the first
  // few (a fresh walk may stop soon, and fetches only as it goes).
  if (crossing && step.pos.parent) {
    for (uint32_t ahead = 1; ahead <= LEAF_PREFETCH; ahead++) {
      const uint32_t s = step.pos.parent_slot + ahead;
      if (s < step.pos.parent->count) prefetch_walk(step.pos.parent->child[s], max);
    }
  }
  return step;
}

VmaIterator::Step VmaIterator::prev_slow(const VmaTree* tree, uint64_t seq, uint32_t count,
                                         const Inner* parent, uint32_t parent_slot,
                                         uint64_t start) {
  // Valid in an unchanged tree, the fast path failed only because the current entry is its
  // leaf's first.
  if (count != 0 && seq == tree->m_seq && parent && parent_slot > 0) {
    const uint32_t s = parent_slot - 1;
    const Leaf* leaf = static_cast<const Leaf*>(parent->child[s]);
    const uint32_t n = static_cast<uint32_t>(leaf->count);
    Position pos = {tree, seq, leaf, parent, n - 1, n, s, leaf->start[n - 1], leaf->end[n - 1]};
    return {pos, leaf->vma[n - 1]};
  }
  // The previous range is the last one ending at or below the current start: step back from
  // the first range ending above it (or from the end position when there is none).
  if (!tree->m_root) return stay(0);
  VmaTree::Path path;
  tree->lower_bound(start, path);
  if (!tree->path_prev(path)) return stay(0);
  return settle(tree, path);
}
