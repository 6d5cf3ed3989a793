// ObjectCache: fixed-size kernel objects carved from whole pages of a PageAllocator, a small
// cousin of Linux's slab caches (mm/slub.c) for the mm's own objects (Vmas, VmaTree nodes).
//
// Each page ("slab") starts with a header and holds as many objects as fit after it; the header
// keeps the slab's free list and how many of its objects are out. The bytes a page has left over
// shift its objects by a whole number of cache lines (the slab's colour), a different shift for
// each new slab in turn: the same object of every slab would otherwise sit at the same page
// offset, and the lines a lookup reads first (a tree node's keys) would crowd into a fraction of
// the cache's sets. A fresh slab hands its objects out in address order; a slab's freed objects
// go out again last freed first. Slabs with a free object sit on the cache's list, newest member
// first (a slab joins when it is made, or when it was full and one of its objects comes back),
// and allocation takes from the head, so it is O(1). A slab's header also keeps a bit per object
// that says whether it is on the free list: free() catches a double free in O(1) from the header
// alone (a walk of the free list would miss the cache at each of its cold objects), and a new
// slab writes only its header. An object finds its slab by rounding its address down to the
// page, so arch_phys_to_virt must map every page to a page-aligned kernel address.
//
// A slab whose last object comes back is kept as the one spare when the cache has no other empty
// slab, and returned to the page allocator otherwise, so a cache never holds more than one empty
// page; shrink() returns the spare too. Objects are not zeroed. Not thread-safe.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"
#include "kernel/mm/page_allocator.h"

class ObjectCache {
 public:
  ObjectCache() = default;
  ObjectCache(const ObjectCache&) = delete;
  ObjectCache& operator=(const ObjectCache&) = delete;

  // Objects of `size` bytes aligned to `align` (a power of two), from pages of `pages`.
  // Error::Invalid for size 0, a bad alignment, or an object that does not fit in a page after
  // the slab header; Error::Busy when the cache still has objects out.
  Result<void> init(PageAllocator* pages, size_t size, size_t align);

  // One object, or Error::NoMemory when no slab has a free object and the page allocator has no
  // page left (or init never succeeded).
  Result<void*> alloc();
  // Takes back an object from alloc(). A pointer that is not an object of this cache that is
  // out (a double free, a stray pointer) is a kernel bug and panics.
  void free(void* object);
  // Returns every empty slab to the page allocator; the number of pages returned.
  uint64_t shrink();

  size_t object_size() const { return m_size; }
  uint32_t objects_per_slab() const { return m_per_slab; }
  // How many distinct page offsets the first object of a slab takes, one per colour (at least 1);
  // slabs made one after another take them in turn, a step of COLOUR_STEP bytes (or the alignment
  // if larger) each.
  uint32_t colours() const { return m_colours; }
  static constexpr size_t COLOUR_STEP = 64;
  uint64_t slabs() const { return m_slabs; }        // pages held, empty ones included
  uint64_t objects_out() const { return m_out; }    // allocated and not yet freed
  uint64_t empty_slabs() const { return m_empty; }  // 0 or 1 outside shrink()
  uint64_t alloc_failures() const { return m_failures; }

 private:
  struct Slab;
  // The slab holding object and the object's index in it; panics for a pointer that is not one
  // of this cache's objects.
  Slab* slab_of(void* object, uint32_t* index) const;
  void link(Slab* slab);
  void unlink(Slab* slab);
  void release(Slab* slab);

  PageAllocator* m_pages = nullptr;
  size_t m_size = 0;
  size_t m_first = 0;  // offset of the first object in a slab of colour 0
  size_t m_colour_step = 0;
  uint32_t m_per_slab = 0;
  uint32_t m_bitmap_words = 0;  // words of the free-object bitmap after each slab's header
  uint32_t m_colours = 0;
  uint32_t m_next_colour = 0;
  Slab* m_available = nullptr;  // slabs with at least one free object
  uint64_t m_slabs = 0;
  uint64_t m_out = 0;
  uint64_t m_empty = 0;
  uint64_t m_failures = 0;
};
