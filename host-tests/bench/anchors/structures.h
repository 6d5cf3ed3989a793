// The four structures the VmaTree bench compares, behind one compile-time interface (each is a
// template argument, so no call goes through a virtual dispatch the real users would not pay):
//   VmaTreeSide  VmaTree, its nodes from the kernel's ObjectCache over a PageAllocator
//   MapleSide    Linux 6.12's maple tree (maple_anchor.h)
//   BtreeSide    absl::btree_map keyed by the exclusive end
//   StdMapSide   std::map keyed by the exclusive end
// Every side stores half-open [start, end) ranges with a pointer payload and answers the same
// questions the same way; the bench checks that with checksums. bytes() is the node memory the
// structure holds: VmaTree and maple nodes times their size, the bytes the two maps' allocators
// were asked for.
#pragma once

#include <absl/container/btree_map.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <map>

#include "host-tests/bench/anchors/host_pages.h"
#include "host-tests/bench/anchors/maple_anchor.h"
#include "kernel/mm/mm_object_caches.h"
#include "kernel/mm/object_cache.h"
#include "kernel/mm/page_allocator.h"
#include "kernel/mm/vma_tree.h"

namespace anchors {

[[noreturn]] inline void die(const char* what) {
  fprintf(stderr, "vma-tree-anchors: %s\n", what);
  exit(1);
}

// The payload stored for a range: an opaque, non-null pointer value.
inline Vma* payload_of(uint64_t start) { return reinterpret_cast<Vma*>(start >> 8); }
inline uintptr_t bits(const void* p) { return reinterpret_cast<uintptr_t>(p); }

class VmaTreeSide {
 public:
  static constexpr const char* NAME = "VmaTree";
  VmaTreeSide() {
    if (m_cache.init(&host_pages().allocator, VmaTree::NODE_SIZE, VmaTree::NODE_ALIGN).is_error())
      die("node cache init failed");
    m_tree = new VmaTree(vma_tree_allocator_from(m_cache));
  }
  ~VmaTreeSide() {
    delete m_tree;
    m_cache.shrink();
  }
  void insert(uint64_t start, uint64_t end) {
    if (m_tree->insert(start, end, payload_of(start)).is_error()) die("VmaTree insert failed");
  }
  void erase(uint64_t addr) { m_tree->erase(addr); }
  uintptr_t find(uint64_t addr) const { return bits(m_tree->find_vma(addr)); }
  uintptr_t walk(uint64_t addr, uint64_t n) const {
    VMA_ITERATOR(vmi, *m_tree, addr);
    uintptr_t sum = 0;
    for (uint64_t k = 0; k < n; k++) {
      Vma* vma = vmi.vma_next();
      if (!vma) break;
      sum += bits(vma);
    }
    return sum;
  }
  uint64_t hole_lowest(uint64_t low, uint64_t high, uint64_t size) const {
    Result<uint64_t> r = m_tree->unmapped_area_bottomup(low, high, size);
    return r.is_ok() ? r.value() : 0;
  }
  uint64_t hole_highest(uint64_t low, uint64_t high, uint64_t size) const {
    Result<uint64_t> r = m_tree->unmapped_area_topdown(low, high, size);
    return r.is_ok() ? r.value() : 0;
  }
  bool entry(uint64_t addr, uint64_t* start, uint64_t* end, uintptr_t* payload) const {
    VmaTreeEntry e;
    if (!m_tree->find_entry(addr, &e)) return false;
    *start = e.start;
    *end = e.end;
    *payload = bits(e.vma);
    return true;
  }
  void store(uint64_t start, uint64_t end, uintptr_t payload) {
    if (m_tree->store(start, end, reinterpret_cast<Vma*>(payload)).is_error())
      die("VmaTree store failed");
  }
  double bytes() const { return static_cast<double>(m_tree->memory_bytes()); }

 private:
  ObjectCache m_cache;
  VmaTree* m_tree;
};

class MapleSide {
 public:
  static constexpr const char* NAME = "maple";
  MapleSide() : m_tree(maple_anchor_new()), m_before(maple_anchor_node_bytes()) {}
  ~MapleSide() { maple_anchor_delete(m_tree); }
  void insert(uint64_t start, uint64_t end) {
    if (maple_anchor_insert(m_tree, start, end, payload_of(start)) != 0) die("maple insert failed");
  }
  void erase(uint64_t addr) { maple_anchor_erase(m_tree, addr); }
  uintptr_t find(uint64_t addr) const { return bits(maple_anchor_find(m_tree, addr)); }
  uintptr_t walk(uint64_t addr, uint64_t n) const { return maple_anchor_walk(m_tree, addr, n); }
  uint64_t hole_lowest(uint64_t low, uint64_t high, uint64_t size) const {
    return maple_anchor_hole_lowest(m_tree, low, high, size);
  }
  uint64_t hole_highest(uint64_t low, uint64_t high, uint64_t size) const {
    return maple_anchor_hole_highest(m_tree, low, high, size);
  }
  bool entry(uint64_t addr, uint64_t* start, uint64_t* end, uintptr_t* payload) const {
    void* e;
    if (!maple_anchor_entry(m_tree, addr, start, end, &e)) return false;
    *payload = bits(e);
    return true;
  }
  void store(uint64_t start, uint64_t end, uintptr_t payload) {
    if (maple_anchor_store(m_tree, start, end, reinterpret_cast<void*>(payload)) != 0)
      die("maple store failed");
  }
  // Only one maple tree is alive at a time, so the cache's count is this tree's.
  double bytes() const { return static_cast<double>(maple_anchor_node_bytes() - m_before); }

 private:
  maple_anchor* m_tree;
  size_t m_before;
};

// Counts the bytes a map's allocator is asked for, per Tag (one counter per map type; only one map
// of each type is alive at a time).
template <class T, class Tag>
struct CountingAlloc {
  using value_type = T;
  CountingAlloc() = default;
  template <class U>
  CountingAlloc(const CountingAlloc<U, Tag>&) {}
  T* allocate(size_t n) {
    Tag::bytes += n * sizeof(T);
    void* p = malloc(n * sizeof(T));
    if (!p) die("out of memory");
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t n) {
    Tag::bytes -= n * sizeof(T);
    free(p);
  }
  template <class U>
  bool operator==(const CountingAlloc<U, Tag>&) const {
    return true;
  }
};

struct MapValue {
  uint64_t start;
  Vma* vma;
};

// Either map, keyed by the exclusive end so that find_vma is one upper_bound. Gap searches scan
// ranges from the query address, as a structure without gap metadata must.
template <class Map, class Tag>
class MapSide {
 public:
  void insert(uint64_t start, uint64_t end) {
    m_map.emplace(end, MapValue{start, payload_of(start)});
  }
  void erase(uint64_t addr) {
    auto it = m_map.upper_bound(addr);
    if (it != m_map.end() && it->second.start <= addr) m_map.erase(it);
  }
  uintptr_t find(uint64_t addr) const {
    auto it = m_map.upper_bound(addr);
    return it == m_map.end() ? 0 : bits(it->second.vma);
  }
  uintptr_t walk(uint64_t addr, uint64_t n) const {
    uintptr_t sum = 0;
    auto it = m_map.upper_bound(addr);
    for (uint64_t k = 0; k < n && it != m_map.end(); k++, ++it) sum += bits(it->second.vma);
    return sum;
  }
  uint64_t hole_lowest(uint64_t low, uint64_t high, uint64_t size) const {
    uint64_t cursor = low;
    for (auto it = m_map.upper_bound(low); it != m_map.end(); ++it) {
      if (it->second.start >= high) break;
      if (it->second.start >= cursor && it->second.start - cursor >= size) return cursor;
      if (it->first > cursor) cursor = it->first;
    }
    return cursor < high && high - cursor >= size ? cursor : 0;
  }
  uint64_t hole_highest(uint64_t low, uint64_t high, uint64_t size) const {
    uint64_t top = high;
    auto it = m_map.upper_bound(high - 1);
    if (it != m_map.end() && it->second.start < top) top = it->second.start;
    while (it != m_map.begin()) {
      --it;
      if (it->first <= low) break;
      if (top >= it->first && top - it->first >= size) return top - size;
      if (it->second.start < top) top = it->second.start;
    }
    return top > low && top - low >= size ? top - size : 0;
  }
  bool entry(uint64_t addr, uint64_t* start, uint64_t* end, uintptr_t* payload) const {
    auto it = m_map.upper_bound(addr);
    if (it == m_map.end()) return false;
    *start = it->second.start;
    *end = it->first;
    *payload = bits(it->second.vma);
    return true;
  }
  // Trims or removes every range overlapping [start, end), then stores the new one.
  void store(uint64_t start, uint64_t end, uintptr_t payload) {
    // A btree's insertions invalidate its iterators: look the next overlap up afresh each time
    // (a trimmed left piece ends at start, so the lookup passes it).
    for (;;) {
      auto it = m_map.upper_bound(start);
      if (it == m_map.end() || it->second.start >= end) break;
      const uint64_t s = it->second.start;
      const uint64_t e = it->first;
      Vma* vma = it->second.vma;
      m_map.erase(it);
      if (s < start) m_map.emplace(start, MapValue{s, vma});
      if (e > end) m_map.emplace(e, MapValue{end, vma});
    }
    if (payload) m_map.emplace(end, MapValue{start, reinterpret_cast<Vma*>(payload)});
  }
  double bytes() const { return static_cast<double>(Tag::bytes); }

 private:
  Map m_map;
};

struct BtreeBytes {
  static inline size_t bytes = 0;
};
struct StdMapBytes {
  static inline size_t bytes = 0;
};
using MapItem = std::pair<const uint64_t, MapValue>;
using BtreeMap =
    absl::btree_map<uint64_t, MapValue, std::less<uint64_t>, CountingAlloc<MapItem, BtreeBytes>>;
using StdMap =
    std::map<uint64_t, MapValue, std::less<uint64_t>, CountingAlloc<MapItem, StdMapBytes>>;

struct BtreeSide : MapSide<BtreeMap, BtreeBytes> {
  static constexpr const char* NAME = "absl btree";
};
struct StdMapSide : MapSide<StdMap, StdMapBytes> {
  static constexpr const char* NAME = "std::map";
};

}  // namespace anchors
