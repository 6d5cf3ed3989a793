#include "kernel/mm/object_cache.h"

#include "kernel/arch/mmu.h"
#include "kernel/lib/kstd.h"
#include "kernel/lib/panic.h"

// The page's header. Objects below `fresh` have been handed out at least once; those of them that
// are free sit on free_list and have their bit set in the bitmap that follows the header
// (m_bitmap_words words, bit i for object i), so a free checks for a double free in one word
// and never walks the list. Objects from `fresh` on were never handed out and are not threaded:
// a new slab writes only its header.
struct ObjectCache::Slab {
  const ObjectCache* owner;  // catches a pointer freed into the wrong cache
  uint64_t pa;
  Slab* prev;  // links on m_available; both nullptr while the slab is full
  Slab* next;
  void* free_list;  // freed objects, linked through their first word, last freed first
  uint16_t in_use;
  uint16_t fresh;
  uint32_t first;  // offset of the first object: the cache's m_first plus this slab's colour

  uint64_t* bitmap() { return reinterpret_cast<uint64_t*>(this + 1); }
};

Result<void> ObjectCache::init(PageAllocator* pages, size_t size, size_t align) {
  if (m_out != 0) return Error::Busy;
  if (pages == nullptr || size == 0 || align == 0 || !kstd::is_power_of_two(align) ||
      align > PAGE_SIZE) {
    return Error::Invalid;
  }
  // A free object holds the free-list link, so it is at least a pointer, pointer aligned.
  align = kstd::max(align, alignof(void*));
  const size_t stride = kstd::align_up(kstd::max(size, sizeof(void*)), align);
  // The header's bitmap needs a bit per object, and every word of it leaves less room for
  // objects: grow it until it covers what fits after it.
  size_t words = 0;
  size_t first = 0;
  size_t per_slab = 0;
  for (;;) {
    first = kstd::align_up(sizeof(Slab) + words * sizeof(uint64_t), align);
    if (first > PAGE_SIZE || stride > PAGE_SIZE - first) return Error::Invalid;
    per_slab = (PAGE_SIZE - first) / stride;
    if (per_slab <= words * 64) break;
    words = (per_slab + 63) / 64;
  }
  shrink();
  m_pages = pages;
  m_size = stride;
  m_first = first;
  m_per_slab = static_cast<uint32_t>(per_slab);
  m_bitmap_words = static_cast<uint32_t>(words);
  // A colour moves the objects by a multiple of the alignment, so they stay aligned.
  m_colour_step = kstd::max(COLOUR_STEP, align);
  const size_t left_over = PAGE_SIZE - first - m_per_slab * stride;
  m_colours = static_cast<uint32_t>(left_over / m_colour_step) + 1;
  m_next_colour = 0;
  return {};
}

ObjectCache::Slab* ObjectCache::slab_of(void* object, uint32_t* index) const {
  const uint64_t address = reinterpret_cast<uint64_t>(object);
  auto* slab = reinterpret_cast<Slab*>(kstd::align_down(address, PAGE_SIZE));
  const uint64_t offset = address - reinterpret_cast<uint64_t>(slab);
  VERIFY(slab->owner == this && offset >= slab->first && (offset - slab->first) % m_size == 0 &&
         (offset - slab->first) / m_size < m_per_slab);
  *index = static_cast<uint32_t>((offset - slab->first) / m_size);
  return slab;
}

void ObjectCache::link(Slab* slab) {
  slab->prev = nullptr;
  slab->next = m_available;
  if (m_available != nullptr) m_available->prev = slab;
  m_available = slab;
}

void ObjectCache::unlink(Slab* slab) {
  if (slab->prev != nullptr) slab->prev->next = slab->next;
  if (slab->next != nullptr) slab->next->prev = slab->prev;
  if (m_available == slab) m_available = slab->next;
  slab->prev = slab->next = nullptr;
}

void ObjectCache::release(Slab* slab) {
  unlink(slab);
  slab->owner = nullptr;
  m_pages->free(slab->pa, 1);
  m_slabs--;
  m_empty--;
}

Result<void*> ObjectCache::alloc() {
  if (m_available == nullptr) {
    if (m_pages == nullptr) return Error::NoMemory;
    Result<uint64_t> pa = m_pages->alloc(1);
    if (pa.is_error()) {
      m_failures++;
      return pa.error();
    }
    auto* slab = static_cast<Slab*>(arch_phys_to_virt(pa.value()));
    VERIFY((reinterpret_cast<uint64_t>(slab) & ~PAGE_MASK) == 0);
    const uint32_t first = static_cast<uint32_t>(m_first + m_next_colour * m_colour_step);
    m_next_colour = m_next_colour + 1 == m_colours ? 0 : m_next_colour + 1;
    *slab = Slab{this, pa.value(), nullptr, nullptr, nullptr, 0, 0, first};
    for (uint32_t w = 0; w < m_bitmap_words; w++) slab->bitmap()[w] = 0;
    link(slab);
    m_slabs++;
    m_empty++;
  }
  Slab* slab = m_available;
  auto* base = reinterpret_cast<unsigned char*>(slab) + slab->first;
  void* object = slab->free_list;
  if (object != nullptr) {
    const uint32_t i = static_cast<uint32_t>((static_cast<unsigned char*>(object) - base) / m_size);
    slab->bitmap()[i / 64] &= ~(uint64_t{1} << (i % 64));
    slab->free_list = *static_cast<void**>(object);
  } else {
    // A slab on the list with nothing freed still has objects it never handed out, which go out
    // in address order.
    object = base + slab->fresh++ * m_size;
  }
  if (slab->in_use++ == 0) m_empty--;
  if (slab->free_list == nullptr && slab->fresh == m_per_slab) unlink(slab);
  m_out++;
  return object;
}

void ObjectCache::free(void* object) {
  uint32_t i;
  Slab* slab = slab_of(object, &i);
  VERIFY(slab->in_use > 0);
  // An object never handed out, or one already freed, is not out.
  uint64_t& word = slab->bitmap()[i / 64];
  const uint64_t bit = uint64_t{1} << (i % 64);
  VERIFY(i < slab->fresh && (word & bit) == 0);
  word |= bit;
  if (slab->free_list == nullptr && slab->fresh == m_per_slab) link(slab);
  *static_cast<void**>(object) = slab->free_list;
  slab->free_list = object;
  m_out--;
  if (--slab->in_use != 0) return;
  m_empty++;
  if (m_empty > 1) release(slab);
}

uint64_t ObjectCache::shrink() {
  uint64_t returned = 0;
  for (Slab* slab = m_available; slab != nullptr;) {
    Slab* next = slab->next;
    if (slab->in_use == 0) {
      release(slab);
      returned++;
    }
    slab = next;
  }
  return returned;
}
