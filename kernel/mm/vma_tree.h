// VmaTree: a B+tree of non-overlapping address ranges with maple-tree-style gap tracking, and the
// Linux VMA iterator API on top of it.
//
// Public API: every range is half-open, [start, end). The address space the tree covers is
// [0, U64_MAX): the largest storable end is U64_MAX, so the single address 2^64-1 can never be
// mapped (a half-open end of 2^64 is not representable in a uint64_t; we chose that over an
// inclusive API). Entries are opaque Vma pointers: the tree never dereferences them.
//
// Internal representation. Unlike Linux's maple tree, which spends a slot (and a pivot) on every
// NULL hole and keeps inclusive pivots, leaves here store each entry's explicit half-open
// [start, end) and nothing for holes; internal nodes store, per child, the tight bounds of the
// entries below it and the largest hole strictly inside that child. Keys are contiguous sorted
// arrays and child pointers are plain pointers (no tagging), so a lookup is a short scan per
// level on both targets, and the layout is identical on little- and big-endian machines. The
// keys a descent scans (a leaf's end[], an internal node's hi[]) hold U64_MAX in every slot at
// or past count, so the scan covers all of a node's slots, a fixed trip count that compiles to
// straight-line, branch-free code, and needs no count to stop.
//
//   leaf (512 bytes, 21 entries)          internal node (512 bytes, 15 children)
//   +-----------------------------+       +------------------------------------------+
//   | count                       |       | count                                    |
//   | end[21]   exclusive ends    |       | hi[15]    largest end below child i      |
//   | vma[21]   Vma* payloads     |       | child[15]                                |
//   | start[21] starts            |       | lo[15]    smallest start below child i   |
//   +-----------------------------+       | gap[15]   largest hole inside child i    |
//                                         +------------------------------------------+
//
// Nodes are eight cache lines: wide enough that a million ranges take five levels, and a scan
// of a node's keys costs less than the miss that brought them.
//
// The hole between two neighbouring children, [hi[i-1], lo[i]), is seen by their parent, so a
// node's metadata depends only on the entries below it; moving children between siblings never
// invalidates it. Gap search descends only into children whose gap (or leading hole) is large
// enough: O(log n), plus backtracking when alignment or the search window makes a hole that is
// large enough by size unusable.
//
// All nodes are NODE_SIZE bytes and come from an injected allocator. Every leaf except the root
// holds at least LEAF_MIN entries and every internal node except the root at least INNER_MIN
// children (the root at least 2). A node that overflows first shifts entries into a sibling with
// room, so sequential insertion packs leaves full; a node that loses an entry and holds less than
// two thirds of its capacity merges with its neighbours if two fit into one or three into two, so
// churned nodes stay about two thirds full, and most erases read no other node.
//
// Out of memory never loses state: before changing anything, store() reserves into a small spare
// pool the most nodes it can take (a plain insert: one per full node on its path from the leaf up
// to the first node that has room or a sibling with room, and a new root if all are full;
// otherwise a split on every level plus a new root per inserted range); erase() and trimming never
// allocate. Either the operation completes or the tree is untouched and Error::NoMemory is
// returned.
//
// Not thread-safe: callers serialise writers against readers (Linux's mmap_lock).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/kstd.h"
#include "kernel/lib/result.h"

struct Vma;

// Node memory for a VmaTree. alloc_node returns VmaTree::NODE_SIZE bytes aligned to
// VmaTree::NODE_ALIGN, or nullptr when out of memory; free_node takes back such a block.
struct VmaTreeAllocator {
  void* (*alloc_node)(void* ctx);
  void (*free_node)(void* ctx, void* node);
  void* ctx;
};

// One stored range as the tree sees it.
struct VmaTreeEntry {
  uint64_t start;
  uint64_t end;
  Vma* vma;
};

// Node layouts (see the picture above); both fit in VmaTree::NODE_SIZE. Internal to the tree.
namespace vma_tree_detail {

inline constexpr uint32_t LEAF_CAP = 21;
inline constexpr uint32_t INNER_CAP = 15;

// A descent reads the count, the keys it scans and then one pointer (a child, or the payload of
// find_vma): those come first, in the lines DESCENT_BYTES covers, so that a descent can fetch
// them all at once as it enters a node that is not cached, instead of waiting for the keys and
// then for the pointer's line.
struct Leaf {
  uint64_t count;
  uint64_t end[LEAF_CAP];
  Vma* vma[LEAF_CAP];
  uint64_t start[LEAF_CAP];
};

struct Inner {
  uint64_t count;
  uint64_t hi[INNER_CAP];
  void* child[INNER_CAP];
  uint64_t lo[INNER_CAP];
  uint64_t gap[INNER_CAP];
};

// What a parent records about a child: bounds of its entries and its largest inner hole.
struct Summary {
  uint64_t lo;
  uint64_t hi;
  uint64_t gap;
};

}  // namespace vma_tree_detail

class VmaTree {
 public:
  static constexpr size_t NODE_SIZE = 512;
  static constexpr size_t NODE_ALIGN = 64;
  static constexpr uint32_t LEAF_CAP = vma_tree_detail::LEAF_CAP;
  static constexpr uint32_t LEAF_MIN = LEAF_CAP / 2;
  static constexpr uint32_t INNER_CAP = vma_tree_detail::INNER_CAP;
  static constexpr uint32_t INNER_MIN = INNER_CAP / 2;
  static constexpr uint32_t MAX_HEIGHT = 24;
  static constexpr uint64_t ADDRESS_END = kstd::U64_MAX;  // largest storable exclusive end

  explicit VmaTree(const VmaTreeAllocator& allocator);
  ~VmaTree();
  VmaTree(const VmaTree&) = delete;
  VmaTree& operator=(const VmaTree&) = delete;

  // Stores vma over [start, end), overwriting, trimming or splitting every range it overlaps
  // (Linux mas_store); vma == nullptr clears the range. Error::Invalid if start >= end,
  // Error::NoMemory if nodes ran out (the tree is then unchanged). Needs no memory, so cannot
  // fail, when some stored range lies wholly inside [start, end) (an exact match included), or
  // when vma == nullptr and [start, end) is not strictly inside a single range.
  Result<void> store(uint64_t start, uint64_t end, Vma* vma);
  // Like store() but only into free space: Error::Exists if anything overlaps [start, end),
  // Error::Invalid if start >= end or vma == nullptr, Error::NoMemory.
  Result<void> insert(uint64_t start, uint64_t end, Vma* vma);
  // Removes the whole range containing addr and returns its entry; nullptr if addr is unmapped.
  // Never allocates, never fails.
  Vma* erase(uint64_t addr);

  // The first range with end > addr (containing addr or above it), or nullptr.
  Vma* find_vma(uint64_t addr) const;
  // The range containing addr, or nullptr.
  Vma* vma_lookup(uint64_t addr) const;
  // The first range overlapping [start, end), or nullptr (also when start >= end).
  Vma* find_vma_intersection(uint64_t start, uint64_t end) const;
  // find_vma(addr), and in *prev the last range with end <= addr (or nullptr).
  Vma* find_vma_prev(uint64_t addr, Vma** prev) const;
  // find_vma(addr) with the range: false (and *out untouched) if there is none.
  bool find_entry(uint64_t addr, VmaTreeEntry* out) const;

  // Free space search inside [low, high) for size bytes at an address a with
  // (a - align_offset) % align == 0. Top-down returns the highest such a, bottom-up the lowest.
  // Error::Invalid for size == 0, align not a power of two or low >= high; Error::NoMemory if
  // nothing fits.
  Result<uint64_t> unmapped_area_topdown(uint64_t low, uint64_t high, uint64_t size,
                                         uint64_t align = 1, uint64_t align_offset = 0) const;
  Result<uint64_t> unmapped_area_bottomup(uint64_t low, uint64_t high, uint64_t size,
                                          uint64_t align = 1, uint64_t align_offset = 0) const;

  uint64_t count() const { return m_count; }
  bool empty() const { return m_count == 0; }
  uint32_t height() const { return m_height; }
  // Frees every node, the spare pool included.
  void clear();
  // Bytes of node memory held, spare nodes included.
  size_t memory_bytes() const { return (m_nodes + m_spare_count) * NODE_SIZE; }

  // Checks every invariant: order, no overlap, node fill, equal leaf depth, the bounds and gap
  // metadata of every internal node against recomputed values, the entry and node counts.
  // Error::Invalid on the first violation, with a static description in *why if why != nullptr.
  Result<void> validate(const char** why = nullptr) const;

  // A root-to-leaf position: node[d] at depth d (0 = root) and the slot taken there.
  struct Path {
    void* node[MAX_HEIGHT];
    uint8_t slot[MAX_HEIGHT];
  };

 private:
  friend class VmaIterator;
  using Leaf = vma_tree_detail::Leaf;
  using Inner = vma_tree_detail::Inner;
  using Summary = vma_tree_detail::Summary;
  // Outcome of placing an item into a node: the new right sibling after a split, or whether the
  // parent's records were already rewritten because items moved into a sibling.
  struct Placed {
    void* right;
    bool parent_changed;
  };

  bool lower_bound(uint64_t addr, Path& path) const;
  // If start lies at or above the last stored end, sets path to the end position (where
  // lower_bound(start) would leave it, found nothing) without searching and returns true.
  bool append_path(uint64_t start, Path& path) const;
  bool path_prev(Path& path) const;
  VmaTreeEntry entry_at(const Path& path) const;

  // Fills the spare pool to the nodes `inserts` inserts anywhere can take, to the nodes one
  // insert at `path` (from lower_bound or append_path) can take, or to `need` nodes.
  Result<void> reserve(uint32_t inserts);
  Result<void> reserve_insert(const Path& path);
  Result<void> reserve_nodes(uint32_t need);
  void* take_node();
  void release_node(void* node);
  void free_subtree(void* node, uint32_t depth);

  // store() when every range [start, end) overlaps lies in the leaf `path` leads to (from
  // lower_bound(start), which found the first of them) and that leaf can take the result without
  // a split or falling below the fill that would rebalance it: rewrites the leaf in one pass and
  // propagates once, with no further descent, and sets *added to the change in the entry count.
  // Returns false, with nothing changed, otherwise.
  bool store_in_leaf(Path& path, uint64_t start, uint64_t end, Vma* vma, int32_t* added);
  void set_entry(Path& path, uint64_t start, uint64_t end, Vma* vma);
  void insert_at(Path& path, uint64_t start, uint64_t end, Vma* vma);
  void erase_at(Path& path);
  void propagate(const Path& path, uint32_t depth);
  // Same, with the node's new summary already known.
  void propagate(const Path& path, uint32_t depth, Summary s);
  // Updates the ancestors after a hole inside the leaf at `depth` grew to `hole`, or its largest
  // hole shrank to `gap`, the rest of the leaf unchanged.
  void raise_gap(const Path& path, uint32_t depth, uint64_t hole);
  void lower_gap(const Path& path, uint32_t depth, uint64_t gap);
  // Updates the ancestors after an entry [.., end) went in last into the leaf at `depth`, with
  // `hole` the hole in front of it.
  void grow_right(const Path& path, uint32_t depth, uint64_t end, uint64_t hole);
  template <class N, class Item>
  Placed place(Path& path, uint32_t depth, const Item& item);
  template <class N>
  bool rebalance(Path& path, uint32_t depth);

  Result<uint64_t> unmapped_area(bool topdown, uint64_t low, uint64_t high, uint64_t size,
                                 uint64_t align, uint64_t align_offset) const;
  bool search_up(const void* node, uint32_t depth, uint64_t low, uint64_t high, uint64_t size,
                 uint64_t mask, uint64_t offset, uint64_t* out) const;
  bool search_down(const void* node, uint32_t depth, uint64_t low, uint64_t high, uint64_t size,
                   uint64_t mask, uint64_t offset, uint64_t* out) const;
  Result<void> check_node(const void* node, uint32_t depth, Summary* summary, uint64_t* prev_end,
                          bool* have_prev, uint64_t* entries, uint64_t* nodes,
                          const char** why) const;

  VmaTreeAllocator m_alloc;
  void* m_root = nullptr;
  uint32_t m_height = 0;  // levels; 0 = empty, 1 = the root is a leaf
  uint64_t m_count = 0;
  uint64_t m_seq = 0;  // bumped by every modification; iterators compare it to notice changes
  uint64_t m_nodes = 0;
  void* m_spare = nullptr;  // singly linked through each node's first word
  uint32_t m_spare_count = 0;
};

// Linux's vma_iterator over a VmaTree. The iterator remembers the current range and the leaf that
// holds it; if the tree was modified since (the tree counts its modifications) or after pause(),
// the next call walks again from the root at the saved position, so it never follows a stale node
// pointer. A call that returns nullptr does not move the iterator.
class VmaIterator {
 public:
  // Positioned at addr, before any range (VMA_ITERATOR(vmi, mm, addr)).
  VmaIterator(const VmaTree& tree, uint64_t addr)
      : m_pos{&tree, 0, nullptr, nullptr, 0, 0, 0, addr, addr} {}

  // The next range starting below the exclusive bound max; the first call after construction,
  // set() or reset() returns the range containing the position, or the next one.
  Vma* vma_find(uint64_t max) {
    // Fast path: the next entry in the same leaf of an unchanged tree.
    uint32_t k = m_pos.slot + 1;
    if (k < m_pos.count && m_pos.seq == m_pos.tree->m_seq) [[likely]] {
      uint64_t start = m_pos.leaf->start[k];
      if (start >= max) return nullptr;
      return take(k, start);
    }
    return adopt(next_slow(m_pos.tree, m_pos.seq, m_pos.count, m_pos.parent, m_pos.parent_slot,
                           m_pos.end, max));
  }
  // vma_find(no bound): for_each_vma's step. Every stored start is below ADDRESS_END, so the
  // bound needs no check here.
  Vma* vma_next() {
    uint32_t k = m_pos.slot + 1;
    if (k < m_pos.count && m_pos.seq == m_pos.tree->m_seq) [[likely]]
      return take(k, m_pos.leaf->start[k]);
    return adopt(next_slow(m_pos.tree, m_pos.seq, m_pos.count, m_pos.parent, m_pos.parent_slot,
                           m_pos.end, VmaTree::ADDRESS_END));
  }
  // The range before the current one (before the position, after set()).
  Vma* vma_prev() {
    // slot - 1 wraps to UINT32_MAX at slot 0, and count is 0 while invalid.
    uint32_t k = m_pos.slot - 1;
    if (k < m_pos.count && m_pos.seq == m_pos.tree->m_seq) [[likely]]
      return take(k, m_pos.leaf->start[k]);
    return adopt(prev_slow(m_pos.tree, m_pos.seq, m_pos.count, m_pos.parent, m_pos.parent_slot,
                           m_pos.start));
  }

  // Repositions at addr (vma_iter_set).
  void set(uint64_t addr) {
    m_pos.start = m_pos.end = addr;
    m_pos.count = 0;
  }
  // Forgets the current range; the next call starts again at addr() and returns the range
  // containing it (vma_iter_reset).
  void reset() {
    m_pos.end = m_pos.start;
    m_pos.count = 0;
  }
  // Drops the cached leaf (vma_iter_invalidate / mas_pause); vma_next continues after the
  // current range, vma_prev before it.
  void pause() { m_pos.count = 0; }

  // The current range [addr(), end()); both equal the position before the first step.
  uint64_t addr() const { return m_pos.start; }
  uint64_t end() const { return m_pos.end; }

 private:
  using Leaf = vma_tree_detail::Leaf;
  using Inner = vma_tree_detail::Inner;

  // Everything the iterator knows. The slow paths take what they need of it as scalars and give
  // back a new position by value, never through a pointer to the iterator: an iterator whose
  // address is never taken lives in registers, so a walk's fast path reads and writes no memory
  // of its own. (A Position passed by value would go by address, which pins it in memory.)
  //
  // While the position is valid (count != 0: every leaf holds an entry), the current entry is
  // leaf's slot `slot` and the leaf holds `count` entries; count = 0 marks it invalid (after
  // construction, set(), reset(), pause() or a failed step), so the fast paths test one field
  // for both. parent is the leaf's parent and parent_slot the leaf's slot in it (nullptr and 0
  // when the root is the leaf): enough to step to a neighbouring leaf; beyond the parent's
  // first or last child, the slow paths walk again from the root.
  struct Position {
    const VmaTree* tree;
    uint64_t seq;
    const Leaf* leaf;
    const Inner* parent;
    uint32_t slot;
    uint32_t count;
    uint32_t parent_slot;
    uint64_t start;
    uint64_t end;
  };
  // A slow path's outcome: the new position and the entry there, or vma == nullptr if there is
  // none, and then the iterator keeps its position and only takes pos.count (0, or the count it
  // had when it stays valid).
  struct Step {
    Position pos;
    Vma* vma;
  };

  Vma* take(uint32_t k, uint64_t start) {
    m_pos.slot = k;
    m_pos.start = start;
    m_pos.end = m_pos.leaf->end[k];
    Vma* vma = m_pos.leaf->vma[k];
    // The tree stores no null entry: said here, a loop's test for the end of the walk costs
    // nothing on the fast paths.
    __builtin_assume(vma != nullptr);
    return vma;
  }
  Vma* adopt(const Step& step) {
    if (!step.vma) {
      m_pos.count = step.pos.count;
      return nullptr;
    }
    m_pos = step.pos;
    return step.vma;
  }
  // The step after the current entry (position [.., end)) when it is not in the same leaf, or
  // the first entry ending above end when count is 0 or the tree changed since seq.
  static Step next_slow(const VmaTree* tree, uint64_t seq, uint32_t count, const Inner* parent,
                        uint32_t parent_slot, uint64_t end, uint64_t max);
  // The step before the current entry (position [start, ..)), the same way.
  static Step prev_slow(const VmaTree* tree, uint64_t seq, uint32_t count, const Inner* parent,
                        uint32_t parent_slot, uint64_t start);
  // The failed step: the iterator keeps its position and takes count.
  static Step stay(uint32_t count);
  // The position at the entry `path` leads to (from lower_bound or path_prev) in tree.
  static Step settle(const VmaTree* tree, const VmaTree::Path& path);

  Position m_pos;
};

#define VMA_ITERATOR(name, tree, addr) VmaIterator name((tree), (addr))
#define for_each_vma(vmi, vma) while (((vma) = (vmi).vma_next()) != nullptr)
#define for_each_vma_range(vmi, vma, end) while (((vma) = (vmi).vma_find(end)) != nullptr)
