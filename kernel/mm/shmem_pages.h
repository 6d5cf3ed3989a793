// ShmemPages: the pages of the shmem objects behind an address space's shared anonymous
// mappings (Linux's shmem page cache, mm/shmem.c, reduced to a lookup table). An object is
// named by its inode number (Vma::shmem_inode) and holds at most one page per object page index
// (the VMA's vm_pgoff plus the page's distance from vm_start), so every VMA of one object maps
// the same physical page for the same index, however the VMAs were split, moved or copied. The
// table lives in pages from the PageSource (a chain of nodes), as do the data pages; drop()
// gives back an object's pages once its last VMA is gone, clear() everything.
#pragma once

#include <stdint.h>

#include "kernel/lib/result.h"
#include "kernel/mm/page_allocator.h"
#include "kernel/mm/page_source.h"

class ShmemPages {
 public:
  explicit ShmemPages(const PageSource& pages) : m_pages(pages) {}
  ~ShmemPages() { clear(); }
  ShmemPages(const ShmemPages&) = delete;
  ShmemPages& operator=(const ShmemPages&) = delete;

  // The page at `index` of object `inode`, a fresh zeroed one on first use (shmem_get_folio()).
  // Error::NoMemory when the page or a table node could not be allocated; nothing changes then.
  Result<uint64_t> get(uint64_t inode, uint64_t index);
  // Whether object `inode` has a page at `index`.
  bool has(uint64_t inode, uint64_t index) const;
  // Whether object `inode` has any page.
  bool has_object(uint64_t inode) const;
  // Whether pa is one of the table's data pages (a mapping of it is not the mapping's to free).
  bool owns(uint64_t pa) const;
  // Frees every page of object `inode`.
  void drop(uint64_t inode);
  // Frees every page and the table.
  void clear();

 private:
  struct Entry {
    uint64_t inode;
    uint64_t index;
    uint64_t pa;
  };
  // One page of the table; nodes are unordered and may have free slots.
  struct Node {
    Node* next;
    uint64_t pa;  // the node's own page
    uint64_t count;
    Entry entries[(PAGE_SIZE - 3 * sizeof(uint64_t)) / sizeof(Entry)];
  };
  static_assert(sizeof(Node) <= PAGE_SIZE);
  const Entry* find(uint64_t inode, uint64_t index) const;

  PageSource m_pages;
  Node* m_first = nullptr;
};
