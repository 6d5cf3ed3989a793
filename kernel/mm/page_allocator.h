// The early physical page allocator: a bitmap over one or more disjoint ranges of RAM (zones),
// one bit per 4 KiB page (1 = in use). It never touches the pages it hands out, only its bitmap,
// so the host tests drive it over any address range. Allocation is first-fit, lowest zone
// first; a run of pages never spans two zones.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/arch/boot.h"
#include "kernel/lib/result.h"

inline constexpr uint64_t PAGE_SIZE = 4096;
inline constexpr unsigned PAGE_SHIFT = 12;
inline constexpr uint64_t PAGE_MASK = ~(PAGE_SIZE - 1);  // the page-number bits, as in Linux

class PageAllocator {
 public:
  static constexpr size_t MAX_ZONES = BOOT_MAX_RAM_RANGES;

  // Bytes of bitmap needed to manage `pages` pages.
  static constexpr size_t bitmap_bytes(uint64_t pages) { return (pages + 63) / 64 * 8; }
  // Bytes of bitmap needed to manage every range (each zone's bits start on a word).
  static uint64_t bitmap_bytes(const PhysicalRange* ranges, size_t count);

  // Manages [base, base + pages * PAGE_SIZE), all free. `bitmap` holds bitmap_bytes(pages)
  // bytes, 8-byte aligned. Error::Invalid for an unaligned base or a range that wraps.
  Result<void> init(uint64_t base, uint64_t pages, uint64_t* bitmap);
  // Manages every range, all free. The ranges are page aligned, non-empty, sorted and disjoint
  // (what ram_map in kernel/mm/memory_map.h makes); `bitmap` holds bitmap_bytes(ranges, count)
  // bytes. Error::Invalid for ranges that are not, Error::NoSpace for more than MAX_ZONES.
  Result<void> init(const PhysicalRange* ranges, size_t count, uint64_t* bitmap);

  // Marks [start, end) in use (the kernel image, the bitmap itself, firmware reservations),
  // widened to whole pages; the range is clipped to what the allocator manages.
  void reserve(uint64_t start, uint64_t end);

  // `count` contiguous pages whose first address is a multiple of `align` bytes (a power of two
  // of at least PAGE_SIZE). Error::NoMemory when no run fits, Error::Invalid for count 0 or a
  // bad alignment.
  Result<uint64_t> alloc(uint64_t count, uint64_t align = PAGE_SIZE);

  // Returns pages from alloc(). Freeing a page that is not in use, or outside the zones, or a
  // run that crosses a zone's end, is a kernel bug and panics.
  void free(uint64_t address, uint64_t count);

  // Whether the page holding `address` is managed and free.
  bool is_free(uint64_t address) const;

  size_t zone_count() const { return m_zone_count; }
  uint64_t total_pages() const { return m_pages; }
  uint64_t free_pages() const { return m_free; }

 private:
  struct Zone {
    uint64_t base;
    uint64_t pages;
    uint64_t* bits;
  };

  static bool used(const Zone& zone, uint64_t page) {
    return (zone.bits[page / 64] >> (page % 64)) & 1;
  }
  void set(Zone& zone, uint64_t page, bool in_use);
  Result<uint64_t> alloc_in(Zone& zone, uint64_t count, uint64_t align);
  // The zone holding `address`, or nullptr.
  const Zone* zone_of(uint64_t address) const;

  Zone m_zones[MAX_ZONES] = {};
  size_t m_zone_count = 0;
  uint64_t m_pages = 0;
  uint64_t m_free = 0;
};
