// VmaTree core: descent, path stepping, lookups and the node pool. Writes are in
// vma_tree_write.cc (placement, rebalancing) and vma_tree_store.cc (store/insert/erase); gap
// search, validation and the iterator's slow paths in vma_tree_search.cc.
#include "kernel/mm/vma_tree.h"

#include "kernel/mm/vma_tree_node.h"

static_assert(sizeof(VmaTree::Path) <= 256);
static_assert(sizeof(vma_tree_detail::Leaf) <= VmaTree::NODE_SIZE);
static_assert(sizeof(vma_tree_detail::Inner) <= VmaTree::NODE_SIZE);

namespace {

using vma_tree_detail::first_above;
using vma_tree_detail::Inner;
using vma_tree_detail::INNER_CAP;
using vma_tree_detail::Leaf;
using vma_tree_detail::LEAF_CAP;
using vma_tree_detail::prefetch_descent;
using vma_tree_detail::prefetch_node;

}  // namespace

VmaTree::VmaTree(const VmaTreeAllocator& allocator) : m_alloc(allocator) {}

VmaTree::~VmaTree() { clear(); }

bool VmaTree::lower_bound(uint64_t addr, Path& path) const {
  if (!m_root) return false;
  void* n = m_root;
  uint32_t leaf_depth = m_height - 1;
  for (uint32_t d = 0; d < leaf_depth; d++) {
    const Inner* in = static_cast<const Inner*>(n);
    prefetch_descent(in);
    uint32_t i = first_above<INNER_CAP>(in->hi, in->count, addr);
    // Nothing at or above addr: continue down the right edge to the end position.
    if (i == in->count) i = in->count - 1;
    path.node[d] = n;
    path.slot[d] = static_cast<uint8_t>(i);
    n = in->child[i];
  }
  const Leaf* leaf = static_cast<const Leaf*>(n);
  // Unlike find_vma, every user of a path reads the whole entry, and a write shifts all three
  // arrays of the leaf, as a walk goes on to read them: fetch all of it at once.
  prefetch_node(leaf);
  uint32_t k = first_above<LEAF_CAP>(leaf->end, leaf->count, addr);
  path.node[leaf_depth] = n;
  path.slot[leaf_depth] = static_cast<uint8_t>(k);
  return k < leaf->count;
}

bool VmaTree::append_path(uint64_t start, Path& path) const {
  if (!m_root) return false;
  void* n = m_root;
  uint32_t leaf_depth = m_height - 1;
  // The root's bounds give the last end without a descent.
  uint64_t last_end =
      leaf_depth == 0 ? static_cast<const Leaf*>(n)->end[static_cast<const Leaf*>(n)->count - 1]
                      : static_cast<const Inner*>(n)->hi[static_cast<const Inner*>(n)->count - 1];
  if (start < last_end) return false;
  for (uint32_t d = 0; d < leaf_depth; d++) {
    const Inner* in = static_cast<const Inner*>(n);
    uint32_t i = static_cast<uint32_t>(in->count) - 1;
    path.node[d] = n;
    path.slot[d] = static_cast<uint8_t>(i);
    n = in->child[i];
  }
  path.node[leaf_depth] = n;
  path.slot[leaf_depth] = static_cast<uint8_t>(static_cast<const Leaf*>(n)->count);
  return true;
}

bool VmaTree::path_prev(Path& path) const {
  uint32_t leaf_depth = m_height - 1;
  if (path.slot[leaf_depth] > 0) {
    path.slot[leaf_depth]--;
    return true;
  }
  uint32_t d = leaf_depth;
  while (d > 0 && path.slot[d - 1] == 0) d--;
  if (d == 0) return false;
  path.slot[d - 1]--;
  void* n = static_cast<const Inner*>(path.node[d - 1])->child[path.slot[d - 1]];
  for (; d < leaf_depth; d++) {
    const Inner* in = static_cast<const Inner*>(n);
    path.node[d] = n;
    path.slot[d] = static_cast<uint8_t>(in->count - 1);
    n = in->child[in->count - 1];
  }
  path.node[leaf_depth] = n;
  path.slot[leaf_depth] = static_cast<uint8_t>(static_cast<const Leaf*>(n)->count - 1);
  return true;
}

bool VmaTree::find_entry(uint64_t addr, VmaTreeEntry* out) const {
  if (!m_root) return false;
  const void* n = m_root;
  for (uint32_t d = 1; d < m_height; d++) {
    const Inner* in = static_cast<const Inner*>(n);
    prefetch_descent(in);
    uint32_t i = first_above<INNER_CAP>(in->hi, in->count, addr);
    // The bounds are tight: if no child reaches above addr, no entry does.
    if (i == in->count) return false;
    n = in->child[i];
  }
  const Leaf* leaf = static_cast<const Leaf*>(n);
  prefetch_descent(leaf);
  uint32_t k = first_above<LEAF_CAP>(leaf->end, leaf->count, addr);
  if (k == leaf->count) return false;
  *out = {leaf->start[k], leaf->end[k], leaf->vma[k]};
  return true;
}

Vma* VmaTree::find_vma(uint64_t addr) const {
  VmaTreeEntry e;
  return find_entry(addr, &e) ? e.vma : nullptr;
}

Vma* VmaTree::vma_lookup(uint64_t addr) const {
  VmaTreeEntry e;
  return find_entry(addr, &e) && e.start <= addr ? e.vma : nullptr;
}

Vma* VmaTree::find_vma_intersection(uint64_t start, uint64_t end) const {
  VmaTreeEntry e;
  if (start >= end) return nullptr;
  return find_entry(start, &e) && e.start < end ? e.vma : nullptr;
}

Vma* VmaTree::find_vma_prev(uint64_t addr, Vma** prev) const {
  *prev = nullptr;
  if (!m_root) return nullptr;
  Path path;
  bool found = lower_bound(addr, path);
  Vma* vma = found ? entry_at(path).vma : nullptr;
  if (path_prev(path)) *prev = entry_at(path).vma;
  return vma;
}

Result<void> VmaTree::reserve(uint32_t inserts) {
  // One insert splits at most every level and adds a root; the first of several inserts may
  // raise the height for the next, hence height + 2 per insert.
  return reserve_nodes(inserts * (m_height + 2));
}

Result<void> VmaTree::reserve_insert(const Path& path) {
  // What place() will do, level by level from the leaf: a node with room takes the item, a full
  // node with a sibling that has room passes items to it, and either ends the insert; only a full
  // node without such a sibling splits, taking a node, and passes an item up to its parent, and a
  // split root also takes a new root (one leaf for an empty tree).
  if (!m_root) return reserve_nodes(1);
  uint32_t need = 0;
  for (uint32_t d = m_height - 1;; d--) {
    const bool leaf = d == m_height - 1;
    const uint32_t cap = leaf ? LEAF_CAP : INNER_CAP;
    auto count = [leaf](const void* node) -> uint64_t {
      return leaf ? static_cast<const Leaf*>(node)->count : static_cast<const Inner*>(node)->count;
    };
    if (count(path.node[d]) < cap) break;
    if (d == 0) {
      need += 2;
      break;
    }
    const Inner* parent = static_cast<const Inner*>(path.node[d - 1]);
    const uint32_t i = path.slot[d - 1];
    if (i > 0 && count(parent->child[i - 1]) < cap) break;
    if (i + 1 < parent->count && count(parent->child[i + 1]) < cap) break;
    need++;
  }
  return reserve_nodes(need);
}

Result<void> VmaTree::reserve_nodes(uint32_t need) {
  while (m_spare_count < need) {
    void* node = m_alloc.alloc_node(m_alloc.ctx);
    if (!node) return Error::NoMemory;
    *static_cast<void**>(node) = m_spare;
    m_spare = node;
    m_spare_count++;
  }
  return {};
}

void* VmaTree::take_node() {
  VERIFY(m_spare != nullptr);
  void* node = m_spare;
  m_spare = *static_cast<void**>(node);
  m_spare_count--;
  m_nodes++;
  return node;
}

void VmaTree::release_node(void* node) {
  m_nodes--;
  // One spare covers the commonest insert that takes a node, a leaf split, so steady churn (a
  // merge freeing a node, a split taking one) rarely calls the allocator.
  if (m_spare_count < 1) {
    *static_cast<void**>(node) = m_spare;
    m_spare = node;
    m_spare_count++;
  } else {
    m_alloc.free_node(m_alloc.ctx, node);
  }
}

void VmaTree::free_subtree(void* node, uint32_t depth) {
  if (depth + 1 < m_height) {
    Inner* in = static_cast<Inner*>(node);
    for (uint32_t i = 0; i < in->count; i++) free_subtree(in->child[i], depth + 1);
  }
  m_alloc.free_node(m_alloc.ctx, node);
}

void VmaTree::clear() {
  if (m_root) free_subtree(m_root, 0);
  while (m_spare) {
    void* node = m_spare;
    m_spare = *static_cast<void**>(node);
    m_alloc.free_node(m_alloc.ctx, node);
  }
  m_root = nullptr;
  m_height = 0;
  m_count = 0;
  m_nodes = 0;
  m_spare_count = 0;
  m_seq++;
}
