#include "kernel/mm/page_allocator.h"

#include "kernel/lib/kstd.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/string.h"

uint64_t PageAllocator::bitmap_bytes(const PhysicalRange* ranges, size_t count) {
  uint64_t total = 0;
  for (size_t i = 0; i < count; i++) total += bitmap_bytes(ranges[i].size >> PAGE_SHIFT);
  return total;
}

Result<void> PageAllocator::init(uint64_t base, uint64_t pages, uint64_t* bitmap) {
  if (pages > (kstd::U64_MAX >> PAGE_SHIFT)) return Error::Invalid;
  const PhysicalRange range{base, pages << PAGE_SHIFT};
  return init(&range, 1, bitmap);
}

Result<void> PageAllocator::init(const PhysicalRange* ranges, size_t count, uint64_t* bitmap) {
  if (bitmap == nullptr) return Error::Invalid;
  if (count > MAX_ZONES) return Error::NoSpace;
  uint64_t previous_end = 0;
  for (size_t i = 0; i < count; i++) {
    const PhysicalRange& range = ranges[i];
    uint64_t end = 0;
    if ((range.base & (PAGE_SIZE - 1)) != 0 || (range.size & (PAGE_SIZE - 1)) != 0 ||
        range.size == 0 || !kstd::checked_add(range.base, range.size, &end) ||
        (i > 0 && range.base < previous_end)) {
      return Error::Invalid;
    }
    previous_end = end;
  }
  m_zone_count = count;
  m_pages = 0;
  uint64_t* bits = bitmap;
  for (size_t i = 0; i < count; i++) {
    const uint64_t pages = ranges[i].size >> PAGE_SHIFT;
    m_zones[i] = Zone{ranges[i].base, pages, bits};
    klib::mem_set(bits, 0, bitmap_bytes(pages));
    bits += bitmap_bytes(pages) / 8;
    m_pages += pages;
  }
  m_free = m_pages;
  return {};
}

void PageAllocator::set(Zone& zone, uint64_t page, bool in_use) {
  VERIFY(used(zone, page) != in_use);
  const uint64_t bit = uint64_t{1} << (page % 64);
  if (in_use) {
    zone.bits[page / 64] |= bit;
    m_free--;
  } else {
    zone.bits[page / 64] &= ~bit;
    m_free++;
  }
}

void PageAllocator::reserve(uint64_t start, uint64_t end) {
  for (size_t i = 0; i < m_zone_count; i++) {
    Zone& zone = m_zones[i];
    const uint64_t limit = zone.base + (zone.pages << PAGE_SHIFT);
    const uint64_t first = kstd::max(kstd::align_down(start, PAGE_SIZE), zone.base);
    const uint64_t last = kstd::min(end, limit);
    for (uint64_t a = first; a < last; a += PAGE_SIZE) {
      const uint64_t page = (a - zone.base) >> PAGE_SHIFT;
      if (!used(zone, page)) set(zone, page, true);
    }
  }
}

Result<uint64_t> PageAllocator::alloc_in(Zone& zone, uint64_t count, uint64_t align) {
  uint64_t page = 0;
  while (page < zone.pages) {
    // Move to the next page whose address has the requested alignment.
    const uint64_t address = zone.base + (page << PAGE_SHIFT);
    uint64_t aligned = 0;
    if (!kstd::checked_align_up(address, align, &aligned)) break;
    page = (aligned - zone.base) >> PAGE_SHIFT;
    if (page >= zone.pages || zone.pages - page < count) break;
    // Skip whole in-use words quickly; the bitmap is mostly full or mostly empty in practice.
    if (page % 64 == 0 && zone.bits[page / 64] == ~uint64_t{0}) {
      page += 64;
      continue;
    }
    uint64_t run = 0;
    while (run < count && !used(zone, page + run)) run++;
    if (run == count) {
      for (uint64_t i = 0; i < count; i++) set(zone, page + i, true);
      return zone.base + (page << PAGE_SHIFT);
    }
    page += run + 1;
  }
  return Error::NoMemory;
}

Result<uint64_t> PageAllocator::alloc(uint64_t count, uint64_t align) {
  if (count == 0 || align < PAGE_SIZE || !kstd::is_power_of_two(align)) return Error::Invalid;
  if (count > m_free) return Error::NoMemory;
  for (size_t i = 0; i < m_zone_count; i++) {
    Result<uint64_t> found = alloc_in(m_zones[i], count, align);
    if (found.is_ok()) return found;
  }
  return Error::NoMemory;
}

const PageAllocator::Zone* PageAllocator::zone_of(uint64_t address) const {
  for (size_t i = 0; i < m_zone_count; i++) {
    const Zone& zone = m_zones[i];
    if (address >= zone.base && ((address - zone.base) >> PAGE_SHIFT) < zone.pages) return &zone;
  }
  return nullptr;
}

void PageAllocator::free(uint64_t address, uint64_t count) {
  VERIFY((address & (PAGE_SIZE - 1)) == 0);
  const Zone* found = zone_of(address);
  VERIFY(found != nullptr);
  Zone& zone = m_zones[found - m_zones];
  const uint64_t first = (address - zone.base) >> PAGE_SHIFT;
  VERIFY(count <= zone.pages - first);
  for (uint64_t i = 0; i < count; i++) set(zone, first + i, false);
}

bool PageAllocator::is_free(uint64_t address) const {
  const Zone* zone = zone_of(address);
  return zone != nullptr && !used(*zone, (address - zone->base) >> PAGE_SHIFT);
}
