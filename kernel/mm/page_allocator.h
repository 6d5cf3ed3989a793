// The early physical page allocator: a bitmap over one contiguous range of RAM, one bit per
// 4 KiB page (1 = in use). It never touches the pages it hands out, only its bitmap, so the
// host tests drive it over any address range. Allocation is first-fit.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"

inline constexpr uint64_t PAGE_SIZE = 4096;
inline constexpr unsigned PAGE_SHIFT = 12;
inline constexpr uint64_t PAGE_MASK = ~(PAGE_SIZE - 1);  // the page-number bits, as in Linux

class PageAllocator {
 public:
  // Bytes of bitmap needed to manage `pages` pages.
  static constexpr size_t bitmap_bytes(uint64_t pages) { return (pages + 63) / 64 * 8; }

  // Manages [base, base + pages * PAGE_SIZE), all free. `bitmap` holds bitmap_bytes(pages)
  // bytes, 8-byte aligned. Error::Invalid for an unaligned base or a range that wraps.
  Result<void> init(uint64_t base, uint64_t pages, uint64_t* bitmap);

  // Marks [start, end) in use (the kernel image, the bitmap itself); the range is clipped to
  // what the allocator manages.
  void reserve(uint64_t start, uint64_t end);

  // `count` contiguous pages whose first address is a multiple of `align` bytes (a power of two
  // of at least PAGE_SIZE). Error::NoMemory when no run fits, Error::Invalid for count 0 or a
  // bad alignment.
  Result<uint64_t> alloc(uint64_t count, uint64_t align = PAGE_SIZE);

  // Returns pages from alloc(). Freeing a page that is not in use, or outside the range, is a
  // kernel bug and panics.
  void free(uint64_t address, uint64_t count);

  uint64_t base() const { return m_base; }
  uint64_t total_pages() const { return m_pages; }
  uint64_t free_pages() const { return m_free; }

 private:
  bool used(uint64_t page) const { return (m_bitmap[page / 64] >> (page % 64)) & 1; }
  void set(uint64_t page, bool in_use);

  uint64_t m_base = 0;
  uint64_t m_pages = 0;
  uint64_t m_free = 0;
  uint64_t* m_bitmap = nullptr;
};
