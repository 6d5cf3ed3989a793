// VmaTree node-level writes: per-node-type item moves, the parent records (lo, hi, gap) and their
// propagation, placement with sibling shifts and splits, and rebalancing after removal. The public
// store/insert/erase on top are in vma_tree_store.cc.
#include "kernel/mm/vma_tree.h"

#include "kernel/lib/placement_new.h"
#include "kernel/mm/vma_tree_node.h"

namespace {

using vma_tree_detail::Inner;
using vma_tree_detail::Leaf;
using Summary = vma_tree_detail::Summary;
using vma_tree_detail::summarize;

// A node that lost an item but still holds two thirds of its capacity is left as it is: only
// below that does rebalancing read its neighbours (to merge or pack them), so most erases touch
// no node but their leaf and its ancestors' records, and a leaf just split in two does not merge
// back on the next erase.
constexpr uint32_t low_fill(uint32_t cap) { return cap * 2 / 3; }

// Copies K words a[from..from+K) to a[to..to+K), all read before any is written, so the two may
// overlap. Item shifts move two slots of each array per step: a fixed-size copy that compiles to
// one pair of loads and stores (one vector register, or a load and store pair) per array.
template <uint32_t K, class T>
void move_words(T* a, uint32_t to, uint32_t from) {
  static_assert(sizeof(T) == 8);
  uint64_t words[K];
  __builtin_memcpy(words, a + from, sizeof words);
  __builtin_memcpy(a + to, words, sizeof words);
}

// Per-node-type item access, so placement and rebalancing are written once for both levels.
template <class N>
struct Node;

template <>
struct Node<Leaf> {
  struct Item {
    uint64_t end;
    uint64_t start;
    Vma* vma;
  };
  static constexpr uint32_t CAP = VmaTree::LEAF_CAP;
  static constexpr uint32_t MIN = VmaTree::LEAF_MIN;
  static constexpr uint32_t LOW = low_fill(CAP);
  static Item get(const Leaf* n, uint32_t i) { return {n->end[i], n->start[i], n->vma[i]}; }
  // The keys a descent scans (the unused slots hold U64_MAX).
  static uint64_t* keys(Leaf* n) { return n->end; }
  static void put(Leaf* n, uint32_t i, const Item& item) {
    n->end[i] = item.end;
    n->start[i] = item.start;
    n->vma[i] = item.vma;
  }
  // Copies K consecutive slots of every array from `from` to `to` (the ranges may overlap).
  template <uint32_t K>
  static void move(Leaf* n, uint32_t to, uint32_t from) {
    move_words<K>(n->end, to, from);
    move_words<K>(n->vma, to, from);
    move_words<K>(n->start, to, from);
  }
};

template <>
struct Node<Inner> {
  struct Item {
    uint64_t hi;
    uint64_t lo;
    uint64_t gap;
    void* child;
  };
  static constexpr uint32_t CAP = VmaTree::INNER_CAP;
  static constexpr uint32_t MIN = VmaTree::INNER_MIN;
  static constexpr uint32_t LOW = low_fill(CAP);
  static Item get(const Inner* n, uint32_t i) {
    return {n->hi[i], n->lo[i], n->gap[i], n->child[i]};
  }
  static uint64_t* keys(Inner* n) { return n->hi; }
  static void put(Inner* n, uint32_t i, const Item& item) {
    n->hi[i] = item.hi;
    n->lo[i] = item.lo;
    n->gap[i] = item.gap;
    n->child[i] = item.child;
  }
  template <uint32_t K>
  static void move(Inner* n, uint32_t to, uint32_t from) {
    move_words<K>(n->hi, to, from);
    move_words<K>(n->child, to, from);
    move_words<K>(n->lo, to, from);
    move_words<K>(n->gap, to, from);
  }
};

static_assert(sizeof(Node<Leaf>::Item) == 24);

// Sets n's count and marks every slot from it on unused (see vma_tree.h). Every change that
// lowers a count goes through here but remove_item's (raising one fills the slots it covers).
template <class N>
void set_count(N* n, uint32_t count) {
  n->count = count;
  uint64_t* keys = Node<N>::keys(n);
  for (uint32_t j = count; j < Node<N>::CAP; j++) keys[j] = kstd::U64_MAX;
}

// A node fresh from the pool, empty.
template <class N>
N* empty_node(void* memory) {
  N* n = new (memory) N;
  set_count(n, 0);
  return n;
}

// Items [at, count) move one slot up, two at a time from the top. An odd one left over moves
// alone; with none left, slot `at` is copied onto itself instead, so that no branch depends on the
// parity (a branch the predictor would miss every other time). An append, as in an ascending
// build, moves nothing.
template <class N>
void insert_item(N* n, uint32_t at, const typename Node<N>::Item& item) {
  using T = Node<N>;
  uint32_t j = static_cast<uint32_t>(n->count);
  if (j > at) {
    for (; j >= at + 2; j -= 2) T::template move<2>(n, j - 1, j - 2);
    T::template move<1>(n, j, j - (j > at));
  }
  T::put(n, at, item);
  n->count++;
}

// Items (at, count) move one slot down, two at a time from the bottom, the odd one as above.
template <class N>
void remove_item(N* n, uint32_t at) {
  using T = Node<N>;
  const uint32_t count = static_cast<uint32_t>(n->count);
  uint32_t j = at;
  for (; j + 2 < count; j += 2) T::template move<2>(n, j, j + 1);
  T::template move<1>(n, j, j + (j + 1 < count));
  n->count--;
  T::keys(n)[n->count] = kstd::U64_MAX;
}

template <class N>
void fix_child(Inner* parent, uint32_t i) {
  Summary s = summarize(static_cast<const N*>(parent->child[i]));
  parent->lo[i] = s.lo;
  parent->hi[i] = s.hi;
  parent->gap[i] = s.gap;
}

bool same(const Summary& a, const Summary& b) {
  return a.lo == b.lo && a.hi == b.hi && a.gap == b.gap;
}

// What the parent records for the leaf at path's leaf level, before the change being made.
Summary recorded(const VmaTree::Path& path, uint32_t leaf_depth) {
  const Inner* parent = static_cast<const Inner*>(path.node[leaf_depth - 1]);
  uint32_t i = path.slot[leaf_depth - 1];
  return {parent->lo[i], parent->hi[i], parent->gap[i]};
}

// The summary of leaf n after an entry went into slot k at either end (k == 0 or the last slot),
// from `was`, its summary before, without reading the other entries: the entry adds a hole. (An
// entry in between splits a hole in two: VmaTree::insert_at.)
Summary after_insert(const Leaf* n, uint32_t k, const Summary& was) {
  if (k == 0) return {n->start[0], was.hi, kstd::max(was.gap, n->start[1] - n->end[0])};
  const uint32_t last = static_cast<uint32_t>(n->count) - 1;
  return {was.lo, n->end[last], kstd::max(was.gap, n->start[last] - n->end[last - 1])};
}

// Likewise after the entry [start, end) left slot k at either end of the leaf (k == 0 or k ==
// count): the hole beside it leaves the leaf, which matters only if it may have been the largest.
// (An inner entry's removal only joins two holes: VmaTree::raise_gap.)
Summary after_remove(const Leaf* n, uint32_t k, uint64_t start, uint64_t end, const Summary& was) {
  if (k == 0) {
    const bool was_largest = n->start[0] - end >= was.gap;
    return {n->start[0], was.hi, was_largest ? largest_hole_until(n, was.gap) : was.gap};
  }
  const uint32_t last = static_cast<uint32_t>(n->count) - 1;
  const bool was_largest = start - n->end[last] >= was.gap;
  return {was.lo, n->end[last], was_largest ? largest_hole_until(n, was.gap) : was.gap};
}

}  // namespace

// Rewrites the records of the node at `depth` in its ancestors, stopping as soon as an ancestor
// already holds the same summary (nothing above it can change then). Only the node at `depth` is
// summarised in full. Above it just one record per node changed, and every other record of that
// node is as it was, so each ancestor's new largest hole follows from its old one (its record in
// the next ancestor up) and the changed values, unless a value that was that largest hole shrank;
// only then is the ancestor scanned again.
void VmaTree::propagate(const Path& path, uint32_t depth) {
  if (depth == 0) return;
  propagate(path, depth, summarize(path.node[depth], depth == m_height - 1));
}

void VmaTree::propagate(const Path& path, uint32_t depth, Summary s) {
  for (uint32_t d = depth; d > 0; d--) {
    Inner* parent = static_cast<Inner*>(path.node[d - 1]);
    uint32_t i = path.slot[d - 1];
    const Summary old{parent->lo[i], parent->hi[i], parent->gap[i]};
    if (same(old, s)) return;
    parent->lo[i] = s.lo;
    parent->hi[i] = s.hi;
    parent->gap[i] = s.gap;
    if (d == 1) return;
    const Inner* above = static_cast<const Inner*>(path.node[d - 2]);
    const uint64_t was = above->gap[path.slot[d - 2]];
    uint64_t gap = was;
    bool exact = true;
    auto changed = [&](uint64_t before, uint64_t after) {
      if (after < before && before == was) exact = false;
      gap = kstd::max(gap, after);
    };
    changed(old.gap, s.gap);
    if (i > 0) changed(old.lo - parent->hi[i - 1], s.lo - parent->hi[i - 1]);
    if (i + 1 < parent->count) changed(parent->lo[i + 1] - old.hi, parent->lo[i + 1] - s.hi);
    if (exact) {
      s = {parent->lo[0], parent->hi[parent->count - 1], gap};
    } else {
      s = summarize(parent);
    }
  }
}

// After an entry went in last into the leaf at `depth`, behind the hole `hole`: as long as the
// path's child is its parent's last, the parent's record of it only grows (its hi to `end`, its
// gap to at least the hole, which lies inside every node below), and nothing else in the parent
// changes, as in an ascending build. The first ancestor where the child is not last sees the hole
// after the child shrink, so from there up the changes propagate as usual.
void VmaTree::grow_right(const Path& path, uint32_t depth, uint64_t end, uint64_t hole) {
  uint32_t d = depth;
  for (; d > 0; d--) {
    Inner* parent = static_cast<Inner*>(path.node[d - 1]);
    const uint32_t i = path.slot[d - 1];
    if (i + 1u != parent->count) break;
    parent->hi[i] = end;
    parent->gap[i] = kstd::max(parent->gap[i], hole);
  }
  if (d > 0) propagate(path, d);
}

// After a hole inside the leaf at `depth` grew to `hole`, nothing else in the leaf having changed:
// the hole lies inside every node on the path, so each record of the path's child takes the larger
// of its gap and the hole, up to the first record that was already as large. The leaf's own
// record takes it without a test, so the only branch taken depends on whether the hole is a
// largest one in its parent, which is rare: the next record up already holds a hole as large.
void VmaTree::raise_gap(const Path& path, uint32_t depth, uint64_t hole) {
  for (uint32_t d = depth;;) {
    Inner* parent = static_cast<Inner*>(path.node[d - 1]);
    uint64_t& gap = parent->gap[path.slot[d - 1]];
    gap = kstd::max(gap, hole);
    if (--d == 0) return;
    if (static_cast<const Inner*>(path.node[d - 1])->gap[path.slot[d - 1]] >= hole) return;
  }
}

// After the largest hole inside the leaf at `depth` shrank to `gap`, nothing else in the leaf
// having changed: its record takes the new gap. Its parent is unchanged too unless that hole was
// also the parent's largest (the parent's record above holds no larger one); only then is it
// summarised.
void VmaTree::lower_gap(const Path& path, uint32_t depth, uint64_t gap) {
  Inner* parent = static_cast<Inner*>(path.node[depth - 1]);
  uint64_t& recorded_gap = parent->gap[path.slot[depth - 1]];
  const uint64_t old = recorded_gap;
  recorded_gap = gap;
  if (depth == 1 || gap == old) return;
  if (static_cast<const Inner*>(path.node[depth - 2])->gap[path.slot[depth - 2]] > old) return;
  propagate(path, depth - 1);
}

bool VmaTree::store_in_leaf(Path& path, uint64_t start, uint64_t end, Vma* vma, int32_t* added) {
  using T = Node<Leaf>;
  const uint32_t depth = m_height - 1;
  Leaf* leaf = static_cast<Leaf*>(path.node[depth]);
  const uint32_t k = path.slot[depth];
  const uint32_t count = static_cast<uint32_t>(leaf->count);
  uint32_t j = k + 1;
  while (j < count && leaf->start[j] < end) j++;
  if (j == count) {
    // The overlap may go on into the next leaf: the lowest ancestor with a child after the one
    // on the path records that child's first start.
    for (uint32_t d = depth; d-- > 0;) {
      const Inner* n = static_cast<const Inner*>(path.node[d]);
      const uint32_t s = path.slot[d];
      if (s + 1 < n->count) {
        if (n->lo[s + 1] < end) return false;
        break;
      }
    }
  }
  // Entries [k, j) overlap [start, end); what takes their place: the part of the first below
  // start, the new entry, the part of the last above end.
  T::Item items[3];
  uint32_t n = 0;
  if (leaf->start[k] < start) items[n++] = {start, leaf->start[k], leaf->vma[k]};
  if (vma) items[n++] = {end, start, vma};
  if (leaf->end[j - 1] > end) items[n++] = {leaf->end[j - 1], end, leaf->vma[j - 1]};
  const uint32_t now = count - (j - k) + n;
  if (now > T::CAP || now < (depth > 0 ? T::LOW : 1)) return false;
  // The entries after the overlap move to right behind the new items.
  const uint32_t to = k + n;
  if (to < j) {
    for (uint32_t i = j; i < count; i++) T::put(leaf, i - j + to, T::get(leaf, i));
  } else {
    for (uint32_t i = count; i-- > j;) T::put(leaf, i - j + to, T::get(leaf, i));
  }
  for (uint32_t i = 0; i < n; i++) T::put(leaf, k + i, items[i]);
  set_count(leaf, now);
  propagate(path, depth);
  *added = static_cast<int32_t>(n) - static_cast<int32_t>(j - k);
  return true;
}

void VmaTree::set_entry(Path& path, uint64_t start, uint64_t end, Vma* vma) {
  uint32_t leaf_depth = m_height - 1;
  Leaf* leaf = static_cast<Leaf*>(path.node[leaf_depth]);
  uint32_t k = path.slot[leaf_depth];
  leaf->start[k] = start;
  leaf->end[k] = end;
  leaf->vma[k] = vma;
  propagate(path, leaf_depth);
}

// Puts item at path.slot[depth] of path.node[depth]. A full node first tries to pass entries to
// a sibling with room (this keeps leaves packed: sequential inserts fill every leaf), and only
// then splits in two, returning the new right half for the caller to link into the parent.
template <class N, class Item>
VmaTree::Placed VmaTree::place(Path& path, uint32_t depth, const Item& item) {
  using T = Node<N>;
  N* n = static_cast<N*>(path.node[depth]);
  uint32_t at = path.slot[depth];
  if (n->count < T::CAP) {
    insert_item(n, at, item);
    return {nullptr, false};
  }
  typename T::Item buf[T::CAP + 1];
  constexpr uint32_t total = T::CAP + 1;
  // An item going after the last one of a last child, as in an ascending build, is followed by
  // more on the right: such an overflow packs the left node and leaves the right one with room.
  const bool appending =
      at == T::CAP &&
      (depth == 0 || path.slot[depth - 1] + 1u == static_cast<Inner*>(path.node[depth - 1])->count);
  for (uint32_t j = 0; j < at; j++) buf[j] = T::get(n, j);
  buf[at] = item;
  for (uint32_t j = at; j < T::CAP; j++) buf[j + 1] = T::get(n, j);

  if (depth > 0) {
    Inner* parent = static_cast<Inner*>(path.node[depth - 1]);
    uint32_t i = path.slot[depth - 1];
    if (i > 0) {
      N* left = static_cast<N*>(parent->child[i - 1]);
      if (left->count < T::CAP) {
        uint32_t m = appending ? T::CAP - left->count : (T::CAP - left->count + 1) / 2;
        for (uint32_t j = 0; j < m; j++) T::put(left, left->count++, buf[j]);
        for (uint32_t j = m; j < total; j++) T::put(n, j - m, buf[j]);
        set_count(n, total - m);
        fix_child<N>(parent, i - 1);
        fix_child<N>(parent, i);
        return {nullptr, true};
      }
    }
    if (i + 1 < parent->count) {
      N* right = static_cast<N*>(parent->child[i + 1]);
      if (right->count < T::CAP) {
        uint32_t m = (T::CAP - right->count + 1) / 2;
        for (uint32_t j = right->count; j > 0; j--) T::put(right, j - 1 + m, T::get(right, j - 1));
        for (uint32_t j = 0; j < m; j++) T::put(right, j, buf[total - m + j]);
        right->count += m;
        for (uint32_t j = 0; j < total - m; j++) T::put(n, j, buf[j]);
        set_count(n, total - m);
        fix_child<N>(parent, i);
        fix_child<N>(parent, i + 1);
        return {nullptr, true};
      }
    }
  }

  N* right = empty_node<N>(take_node());
  uint32_t left_count = appending ? total - T::MIN : (total + 1) / 2;
  for (uint32_t j = 0; j < left_count; j++) T::put(n, j, buf[j]);
  set_count(n, left_count);
  for (uint32_t j = left_count; j < total; j++) T::put(right, j - left_count, buf[j]);
  set_count(right, total - left_count);
  return {right, false};
}

// Inserts [start, end) at the position lower_bound(start) left in path. The caller has reserved
// the nodes and checked that nothing overlaps.
void VmaTree::insert_at(Path& path, uint64_t start, uint64_t end, Vma* vma) {
  if (!m_root) {
    Leaf* leaf = empty_node<Leaf>(take_node());
    insert_item(leaf, 0, {end, start, vma});
    m_root = leaf;
    m_height = 1;
    return;
  }
  uint32_t depth = m_height - 1;
  Placed placed = place<Leaf>(path, depth, Node<Leaf>::Item{end, start, vma});
  while (placed.right) {
    bool leaf_level = depth == m_height - 1;
    void* left = path.node[depth];
    Summary ls = summarize(left, leaf_level);
    Summary rs = summarize(placed.right, leaf_level);
    if (depth == 0) {
      VERIFY(m_height < MAX_HEIGHT);
      Inner* root = empty_node<Inner>(take_node());
      insert_item(root, 0, {ls.hi, ls.lo, ls.gap, left});
      insert_item(root, 1, {rs.hi, rs.lo, rs.gap, placed.right});
      m_root = root;
      m_height++;
      return;
    }
    Inner* parent = static_cast<Inner*>(path.node[depth - 1]);
    uint32_t i = path.slot[depth - 1];
    parent->lo[i] = ls.lo;
    parent->hi[i] = ls.hi;
    parent->gap[i] = ls.gap;
    path.slot[depth - 1] = static_cast<uint8_t>(i + 1);
    depth--;
    placed = place<Inner>(path, depth, Node<Inner>::Item{rs.hi, rs.lo, rs.gap, placed.right});
  }
  if (placed.parent_changed) {
    propagate(path, depth - 1);
  } else if (depth == m_height - 1 && depth > 0) {
    const Leaf* leaf = static_cast<const Leaf*>(path.node[depth]);
    const uint32_t k = path.slot[depth];
    const Inner* parent = static_cast<const Inner*>(path.node[depth - 1]);
    const uint32_t last = static_cast<uint32_t>(leaf->count) - 1;
    if (k > 0 && k < last) {
      // The entry split a hole in two smaller ones, which changes the largest hole only if the
      // split one may have been it.
      const uint64_t gap = recorded(path, depth).gap;
      if (leaf->start[k + 1] - leaf->end[k - 1] >= gap)
        lower_gap(path, depth, largest_hole_until(leaf, gap));
    } else if (k > 0 && path.slot[depth - 1] + 1u == parent->count) {
      grow_right(path, depth, end, start - leaf->end[k - 1]);
    } else {
      // A leaf whose record stays as it was makes no call.
      const Summary was = recorded(path, depth);
      const Summary now = after_insert(leaf, k, was);
      if (!same(now, was)) propagate(path, depth, now);
    }
  } else {
    propagate(path, depth);
  }
}

// Restores the fill of the node at `depth` (not the root) after it lost an item, and keeps nodes
// fuller than the minimum asks: once it holds less than low_fill, the node merges into a
// neighbour if the two fit into one, and it and its neighbours are packed into two nodes if the
// three fit into two (so under churn a node's neighbourhood stays about two thirds full, not
// half). Only below the minimum does it take items from a neighbour instead. Returns true if a node
// was freed, so that the parent lost an item in turn (path.slot[depth - 1] then names a node of the
// merge); otherwise the ancestors have been updated.
template <class N>
bool VmaTree::rebalance(Path& path, uint32_t depth) {
  using T = Node<N>;
  N* n = static_cast<N*>(path.node[depth]);
  if (n->count >= T::LOW) {
    propagate(path, depth);
    return false;
  }
  Inner* parent = static_cast<Inner*>(path.node[depth - 1]);
  uint32_t i = path.slot[depth - 1];
  uint32_t li = i > 0 ? i - 1 : i;
  uint32_t ri = li + 1;
  N* left = static_cast<N*>(parent->child[li]);
  N* right = static_cast<N*>(parent->child[ri]);
  // The left neighbour is tried first, then the right one.
  if (left->count + right->count > T::CAP && i > 0 && i + 1 < parent->count &&
      n->count + static_cast<N*>(parent->child[i + 1])->count <= T::CAP) {
    li = i;
    ri = i + 1;
    left = n;
    right = static_cast<N*>(parent->child[ri]);
  }
  if (left->count + right->count <= T::CAP) {
    for (uint32_t j = 0; j < right->count; j++) T::put(left, left->count++, T::get(right, j));
    fix_child<N>(parent, li);
    remove_item(parent, ri);
    release_node(right);
    path.slot[depth - 1] = static_cast<uint8_t>(li);
    return true;
  }
  if (parent->count >= 3) {
    // Three neighbours around the node, clamped to the parent's children.
    uint32_t w = kstd::min<uint32_t>(i > 0 ? i - 1 : 0, static_cast<uint32_t>(parent->count) - 3);
    N* a = static_cast<N*>(parent->child[w]);
    N* b = static_cast<N*>(parent->child[w + 1]);
    N* c = static_cast<N*>(parent->child[w + 2]);
    uint32_t sum = a->count + b->count + c->count;
    if (sum <= 2 * T::CAP) {
      typename T::Item all[2 * T::CAP];
      uint32_t k = 0;
      for (uint32_t j = 0; j < a->count; j++) all[k++] = T::get(a, j);
      for (uint32_t j = 0; j < b->count; j++) all[k++] = T::get(b, j);
      for (uint32_t j = 0; j < c->count; j++) all[k++] = T::get(c, j);
      uint32_t half = (sum + 1) / 2;
      for (uint32_t j = 0; j < half; j++) T::put(a, j, all[j]);
      set_count(a, half);
      for (uint32_t j = half; j < sum; j++) T::put(b, j - half, all[j]);
      set_count(b, sum - half);
      fix_child<N>(parent, w);
      fix_child<N>(parent, w + 1);
      remove_item(parent, w + 2);
      release_node(c);
      path.slot[depth - 1] = static_cast<uint8_t>(w);
      return true;
    }
  }
  if (n->count >= T::MIN) {
    propagate(path, depth);
    return false;
  }
  uint32_t want_left = (left->count + right->count) / 2;
  if (left->count > want_left) {
    uint32_t m = left->count - want_left;
    for (uint32_t j = right->count; j > 0; j--) T::put(right, j - 1 + m, T::get(right, j - 1));
    for (uint32_t j = 0; j < m; j++) T::put(right, j, T::get(left, want_left + j));
    right->count += m;
    set_count(left, want_left);
  } else {
    uint32_t m = want_left - left->count;
    for (uint32_t j = 0; j < m; j++) T::put(left, left->count++, T::get(right, j));
    for (uint32_t j = m; j < right->count; j++) T::put(right, j - m, T::get(right, j));
    set_count(right, static_cast<uint32_t>(right->count) - m);
  }
  fix_child<N>(parent, li);
  fix_child<N>(parent, ri);
  propagate(path, depth - 1);
  return false;
}

void VmaTree::erase_at(Path& path) {
  uint32_t depth = m_height - 1;
  Leaf* leaf = static_cast<Leaf*>(path.node[depth]);
  const uint32_t k = path.slot[depth];
  const uint64_t start = leaf->start[k];
  const uint64_t end = leaf->end[k];
  remove_item(leaf, k);
  if (depth > 0 && leaf->count >= Node<Leaf>::LOW) {
    if (k > 0 && k < leaf->count) {
      // The holes on either side of the entry became one, larger than both.
      raise_gap(path, depth, leaf->start[k] - leaf->end[k - 1]);
      return;
    }
    const Summary was = recorded(path, depth);
    const Summary now = after_remove(leaf, k, start, end, was);
    if (!same(now, was)) propagate(path, depth, now);
    return;
  }
  while (depth > 0) {
    bool merged =
        depth == m_height - 1 ? rebalance<Leaf>(path, depth) : rebalance<Inner>(path, depth);
    if (!merged) return;
    depth--;
  }
  if (m_height == 1) {
    if (static_cast<Leaf*>(m_root)->count == 0) {
      release_node(m_root);
      m_root = nullptr;
      m_height = 0;
    }
    return;
  }
  Inner* root = static_cast<Inner*>(m_root);
  if (root->count == 1) {
    m_root = root->child[0];
    m_height--;
    release_node(root);
  }
}
