#include "kernel/mm/page_allocator.h"

#include "kernel/lib/string.h"

Result<void> PageAllocator::init(uint64_t base, uint64_t pages, uint64_t* bitmap) {
  uint64_t end = 0;
  if ((base & (PAGE_SIZE - 1)) != 0 || pages > (kstd::U64_MAX >> PAGE_SHIFT) ||
      !kstd::checked_add(base, pages << PAGE_SHIFT, &end) || bitmap == nullptr) {
    return Error::Invalid;
  }
  m_base = base;
  m_pages = pages;
  m_free = pages;
  m_bitmap = bitmap;
  klib::mem_set(m_bitmap, 0, bitmap_bytes(pages));
  return {};
}

void PageAllocator::set(uint64_t page, bool in_use) {
  VERIFY(used(page) != in_use);
  const uint64_t bit = uint64_t{1} << (page % 64);
  if (in_use) {
    m_bitmap[page / 64] |= bit;
    m_free--;
  } else {
    m_bitmap[page / 64] &= ~bit;
    m_free++;
  }
}

void PageAllocator::reserve(uint64_t start, uint64_t end) {
  const uint64_t limit = m_base + (m_pages << PAGE_SHIFT);
  start = kstd::max(kstd::align_down(start, PAGE_SIZE), m_base);
  end = end > limit ? limit : end;
  for (uint64_t a = start; a < end; a += PAGE_SIZE) {
    const uint64_t page = (a - m_base) >> PAGE_SHIFT;
    if (!used(page)) set(page, true);
  }
}

Result<uint64_t> PageAllocator::alloc(uint64_t count, uint64_t align) {
  if (count == 0 || align < PAGE_SIZE || !kstd::is_power_of_two(align)) return Error::Invalid;
  if (count > m_free) return Error::NoMemory;
  uint64_t page = 0;
  while (page < m_pages) {
    // Move to the next page whose address has the requested alignment.
    const uint64_t address = m_base + (page << PAGE_SHIFT);
    uint64_t aligned = 0;
    if (!kstd::checked_align_up(address, align, &aligned)) break;
    page = (aligned - m_base) >> PAGE_SHIFT;
    if (page >= m_pages || m_pages - page < count) break;
    // Skip whole in-use words quickly; the bitmap is mostly full or mostly empty in practice.
    if (page % 64 == 0 && m_bitmap[page / 64] == ~uint64_t{0}) {
      page += 64;
      continue;
    }
    uint64_t run = 0;
    while (run < count && !used(page + run)) run++;
    if (run == count) {
      for (uint64_t i = 0; i < count; i++) set(page + i, true);
      return m_base + (page << PAGE_SHIFT);
    }
    page += run + 1;
  }
  return Error::NoMemory;
}

void PageAllocator::free(uint64_t address, uint64_t count) {
  VERIFY((address & (PAGE_SIZE - 1)) == 0 && address >= m_base);
  const uint64_t first = (address - m_base) >> PAGE_SHIFT;
  VERIFY(first < m_pages && count <= m_pages - first);
  for (uint64_t i = 0; i < count; i++) set(first + i, false);
}
