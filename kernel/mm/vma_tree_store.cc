// VmaTree's public writes, store/insert/erase: a descent to the position, the overlap checks and
// the node reservation that make every change all or nothing, then the node-level operations of
// vma_tree_write.cc.
#include "kernel/mm/vma_tree.h"

#include "kernel/mm/vma_tree_node.h"

Result<void> VmaTree::insert(uint64_t start, uint64_t end, Vma* vma) {
  if (start >= end || !vma) return Error::Invalid;
  Path path;
  if (!append_path(start, path) && lower_bound(start, path) && entry_at(path).start < end)
    return Error::Exists;
  TRY(reserve_insert(path));
  insert_at(path, start, end, vma);
  m_count++;
  m_seq++;
  return {};
}

Vma* VmaTree::erase(uint64_t addr) {
  Path path;
  if (!lower_bound(addr, path)) return nullptr;
  VmaTreeEntry e = entry_at(path);
  if (e.start > addr) return nullptr;
  erase_at(path);
  m_count--;
  m_seq++;
  return e.vma;
}

Result<void> VmaTree::store(uint64_t start, uint64_t end, Vma* vma) {
  if (start >= end) return Error::Invalid;
  Path path;
  if (!lower_bound(start, path) || entry_at(path).start >= end) {
    if (!vma) return {};
    TRY(reserve_insert(path));
    insert_at(path, start, end, vma);
    m_count++;
    m_seq++;
    return {};
  }
  VmaTreeEntry first = entry_at(path);
  if (first.start == start && first.end == end) {
    if (vma) {
      set_entry(path, start, end, vma);
    } else {
      erase_at(path);
      m_count--;
    }
    m_seq++;
    return {};
  }
  int32_t added;
  if (store_in_leaf(path, start, end, vma, &added)) {
    m_count = static_cast<uint64_t>(static_cast<int64_t>(m_count) + added);
    m_seq++;
    return {};
  }
  if (first.start < start && first.end > end) {
    // Strictly inside one range: it keeps [first.start, start), and [end, first.end) becomes a
    // new range with the same entry.
    uint32_t inserts = vma ? 2 : 1;
    TRY(reserve(inserts));
    set_entry(path, first.start, start, first.vma);
    lower_bound(end, path);
    insert_at(path, end, first.end, first.vma);
    if (vma) {
      lower_bound(start, path);
      insert_at(path, start, end, vma);
    }
    m_count += inserts;
    m_seq++;
    return {};
  }

  // A range lying wholly inside [start, end) can be rewritten in place to hold the new entry,
  // which saves an insert, so such a store needs no memory at all.
  bool reusable;
  if (first.start >= start) {
    reusable = first.end <= end;
  } else {
    VmaTreeEntry next;
    reusable = find_entry(first.end, &next) && next.start < end && next.end <= end;
  }
  if (vma && !reusable) TRY(reserve(1));

  // Nothing below can fail. Trim the ranges sticking out on either side, then drop the ranges
  // inside except the one reused.
  if (first.start < start) set_entry(path, first.start, start, first.vma);
  if (lower_bound(end - 1, path)) {
    VmaTreeEntry last = entry_at(path);
    if (last.start < end && last.end > end) set_entry(path, end, last.end, last.vma);
  }
  bool kept = false;
  uint64_t from = start;
  while (lower_bound(from, path)) {
    VmaTreeEntry e = entry_at(path);
    if (e.start >= end) break;
    if (vma && !kept) {
      kept = true;
      from = e.end;
      continue;
    }
    erase_at(path);
    m_count--;
  }
  if (vma) {
    lower_bound(start, path);
    if (kept) {
      set_entry(path, start, end, vma);
    } else {
      insert_at(path, start, end, vma);
      m_count++;
    }
  }
  m_seq++;
  return {};
}
