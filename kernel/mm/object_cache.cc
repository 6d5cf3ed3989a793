#include "kernel/mm/object_cache.h"

#include "kernel/arch/mmu.h"
#include "kernel/lib/kstd.h"
#include "kernel/lib/panic.h"

struct ObjectCache::Slab {
  const ObjectCache* owner;  // catches a pointer freed into the wrong cache
  uint64_t pa;
  Slab* prev;  // links on m_available; both nullptr while the slab is full
  Slab* next;
  void* free_list;  // free objects, linked through their first word
  uint32_t in_use;
  uint32_t first;  // offset of the first object: the cache's m_first plus this slab's colour
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
  const size_t first = kstd::align_up(sizeof(Slab), align);
  if (first > PAGE_SIZE || stride > PAGE_SIZE - first) return Error::Invalid;
  shrink();
  m_pages = pages;
  m_size = stride;
  m_first = first;
  m_per_slab = static_cast<uint32_t>((PAGE_SIZE - first) / stride);
  // A colour moves the objects by a multiple of the alignment, so they stay aligned.
  m_colour_step = kstd::max(COLOUR_STEP, align);
  const size_t left_over = PAGE_SIZE - first - m_per_slab * stride;
  m_colours = static_cast<uint32_t>(left_over / m_colour_step) + 1;
  m_next_colour = 0;
  return {};
}

ObjectCache::Slab* ObjectCache::slab_of(void* object) const {
  const uint64_t address = reinterpret_cast<uint64_t>(object);
  auto* slab = reinterpret_cast<Slab*>(kstd::align_down(address, PAGE_SIZE));
  const uint64_t offset = address - reinterpret_cast<uint64_t>(slab);
  VERIFY(slab->owner == this && offset >= slab->first && (offset - slab->first) % m_size == 0 &&
         (offset - slab->first) / m_size < m_per_slab);
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
    *slab = Slab{this, pa.value(), nullptr, nullptr, nullptr, 0, first};
    // Thread the free list from the last object down, so objects go out in address order.
    auto* base = reinterpret_cast<unsigned char*>(slab) + first;
    for (uint32_t i = m_per_slab; i-- > 0;) {
      void* object = base + i * m_size;
      *static_cast<void**>(object) = slab->free_list;
      slab->free_list = object;
    }
    link(slab);
    m_slabs++;
    m_empty++;
  }
  Slab* slab = m_available;
  void* object = slab->free_list;
  slab->free_list = *static_cast<void**>(object);
  if (slab->in_use++ == 0) m_empty--;
  if (slab->free_list == nullptr) unlink(slab);
  m_out++;
  return object;
}

void ObjectCache::free(void* object) {
  Slab* slab = slab_of(object);
  VERIFY(slab->in_use > 0);
  // A double free would find the object already on its slab's free list.
  for (void* f = slab->free_list; f != nullptr; f = *static_cast<void**>(f)) VERIFY(f != object);
  if (slab->free_list == nullptr) link(slab);
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
