// ObjectCache over a PageAllocator managing malloc'd "physical" memory (arch_phys_to_virt is the
// identity on the host): objects carved from whole pages, distinct and aligned, empty pages given
// back, NoMemory at exhaustion; the Vma and VmaTree allocators an AddressSpace runs on; and the
// PageSource over physical pages.

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <set>
#include <vector>

#include "host-tests/error_of.h"
#include "host-tests/fake_mmu.h"
#include "kernel/mm/mm_object_caches.h"
#include "kernel/mm/object_cache.h"
#include "kernel/mm/physical_page_source.h"

namespace {

// A PageAllocator over `count` pages of host memory.
class HostRam {
 public:
  explicit HostRam(uint64_t count)
      : m_memory(std::aligned_alloc(PAGE_SIZE, count * PAGE_SIZE)),
        m_bitmap(PageAllocator::bitmap_bytes(count) / 8) {
    EXPECT_TRUE(allocator.init(base(), count, m_bitmap.data()).is_ok());
  }
  ~HostRam() { std::free(m_memory); }
  uint64_t base() const { return reinterpret_cast<uint64_t>(m_memory); }

  PageAllocator allocator;

 private:
  void* m_memory;
  std::vector<uint64_t> m_bitmap;
};

TEST(ObjectCache, ObjectsAreDistinctAlignedAndInsideTheAllocatorsPages) {
  HostRam ram(8);
  ObjectCache cache;
  ASSERT_TRUE(cache.init(&ram.allocator, 40, 16).is_ok());
  EXPECT_EQ(cache.object_size(), 48u);
  const uint32_t per = cache.objects_per_slab();
  ASSERT_GT(per, 60u);
  std::set<uintptr_t> seen;
  std::vector<void*> objects;
  for (uint32_t i = 0; i < 2 * per + 1; i++) {
    Result<void*> object = cache.alloc();
    ASSERT_TRUE(object.is_ok());
    const auto address = reinterpret_cast<uintptr_t>(object.value());
    EXPECT_EQ(address % 16, 0u);
    EXPECT_GE(address, ram.base());
    EXPECT_LT(address + 40, ram.base() + 8 * PAGE_SIZE);
    // No two objects overlap: each is 48 bytes apart from every other at least.
    auto next = seen.lower_bound(address);
    if (next != seen.end()) EXPECT_GE(*next, address + 48);
    if (next != seen.begin()) EXPECT_LE(*std::prev(next) + 48, address);
    seen.insert(address);
    std::memset(object.value(), 0xa5, 40);
    objects.push_back(object.value());
  }
  EXPECT_EQ(cache.slabs(), 3u);
  EXPECT_EQ(ram.allocator.free_pages(), 5u);
  EXPECT_EQ(cache.objects_out(), 2u * per + 1);
  for (void* object : objects) cache.free(object);
  EXPECT_EQ(cache.objects_out(), 0u);
  // One empty slab stays as the spare; the others went back at once.
  EXPECT_EQ(cache.slabs(), 1u);
  EXPECT_EQ(cache.empty_slabs(), 1u);
  EXPECT_EQ(ram.allocator.free_pages(), 7u);
  EXPECT_EQ(cache.shrink(), 1u);
  EXPECT_EQ(cache.slabs(), 0u);
  EXPECT_EQ(ram.allocator.free_pages(), 8u);
}

// Objects taken one after another from fresh slabs are neighbours in memory: address order,
// one stride apart, within each page.
TEST(ObjectCache, ObjectsTakenInSequenceAreContiguousWithinASlab) {
  HostRam ram(8);
  ObjectCache cache;
  ASSERT_TRUE(init_vma_tree_node_cache(cache, &ram.allocator).is_ok());
  const uint32_t per = cache.objects_per_slab();
  ASSERT_GT(per, 1u);
  std::vector<uintptr_t> objects;
  for (uint32_t i = 0; i < 3 * per; i++) {
    objects.push_back(reinterpret_cast<uintptr_t>(cache.alloc().value()));
  }
  for (uint32_t i = 0; i < 3 * per; i++) {
    if (i % per == 0) continue;
    EXPECT_EQ(objects[i], objects[i - 1] + cache.object_size()) << i;
  }
  for (uintptr_t object : objects) cache.free(reinterpret_cast<void*>(object));
}

// Slab colouring: the slabs a cache makes in turn start their objects at different page offsets,
// so that the n-th object of every slab does not land in the same cache set. For VmaTree nodes
// (512 bytes, 7 to a page) eight colours put the first line of every node of eight pages on a
// different one of a page's 64 lines.
TEST(ObjectCache, SlabsInTurnShiftTheirObjectsByCacheLines) {
  HostRam ram(32);
  ObjectCache cache;
  ASSERT_TRUE(init_vma_tree_node_cache(cache, &ram.allocator).is_ok());
  const uint32_t per = cache.objects_per_slab();
  const uint32_t colours = cache.colours();
  const size_t left_over = PAGE_SIZE - per * cache.object_size();
  // The header takes a line of what is left over; the rest is one colour per line.
  EXPECT_EQ(colours, left_over / ObjectCache::COLOUR_STEP);
  ASSERT_GT(colours, 1u);
  std::set<uintptr_t> first_offsets;
  std::set<uintptr_t> lines;
  std::vector<void*> objects;
  for (uint32_t i = 0; i < 2 * colours * per; i++) {
    void* object = cache.alloc().value();
    const auto address = reinterpret_cast<uintptr_t>(object);
    const uintptr_t offset = address % PAGE_SIZE;
    EXPECT_EQ(address % VmaTree::NODE_ALIGN, 0u);
    EXPECT_LE(offset + cache.object_size(), PAGE_SIZE);
    if (i % per == 0) {
      // The first object of a slab: the colours come round again after `colours` slabs.
      const uint32_t slab = i / per;
      if (slab >= colours) {
        const auto same_colour = reinterpret_cast<uintptr_t>(objects[(slab - colours) * per]);
        EXPECT_EQ(offset, same_colour % PAGE_SIZE) << slab;
      } else {
        first_offsets.insert(offset);
      }
    }
    if (i < colours * per) lines.insert(offset / ObjectCache::COLOUR_STEP);
    std::memset(object, 0x5a, cache.object_size());
    objects.push_back(object);
  }
  EXPECT_EQ(first_offsets.size(), colours);
  EXPECT_EQ(lines.size(), static_cast<size_t>(colours) * per);
  // Coloured objects go back like any other; all pages are returned.
  for (void* object : objects) cache.free(object);
  cache.shrink();
  EXPECT_EQ(ram.allocator.free_pages(), 32u);
}

// An object that is not at a multiple of the stride from its slab's own first object is
// refused, whatever the slab's colour.
TEST(ObjectCacheDeathTest, PointersOffTheSlabsColourPanic) {
  HostRam ram(4);
  ObjectCache cache;
  ASSERT_TRUE(init_vma_tree_node_cache(cache, &ram.allocator).is_ok());
  const uint32_t per = cache.objects_per_slab();
  std::vector<void*> objects;
  for (uint32_t i = 0; i < 2 * per; i++) objects.push_back(cache.alloc().value());
  // The second slab's first object, moved back to where the first slab's colour would put it.
  auto* second = static_cast<char*>(objects[per]);
  EXPECT_DEATH(cache.free(second - ObjectCache::COLOUR_STEP), "");
  for (void* object : objects) cache.free(object);
}

TEST(ObjectCache, ReusesFreedObjectsBeforeTakingAPage) {
  HostRam ram(4);
  ObjectCache cache;
  ASSERT_TRUE(cache.init(&ram.allocator, 100, 8).is_ok());
  std::vector<void*> objects;
  for (uint32_t i = 0; i < cache.objects_per_slab(); i++) objects.push_back(cache.alloc().value());
  EXPECT_EQ(cache.slabs(), 1u);
  cache.free(objects[3]);
  Result<void*> again = cache.alloc();
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(again.value(), objects[3]);
  EXPECT_EQ(cache.slabs(), 1u);
  // The slab is full again: the next object needs a second page.
  ASSERT_TRUE(cache.alloc().is_ok());
  EXPECT_EQ(cache.slabs(), 2u);
}

TEST(ObjectCache, NoMemoryWhenThePagesRunOutAndRecoversAfterAFree) {
  HostRam ram(2);
  ObjectCache cache;
  ASSERT_TRUE(cache.init(&ram.allocator, PAGE_SIZE / 2, 64).is_ok());
  EXPECT_EQ(cache.objects_per_slab(), 1u);  // the header leaves room for one half-page object
  void* a = cache.alloc().value();
  void* b = cache.alloc().value();
  EXPECT_EQ(error_of(cache.alloc()), Error::NoMemory);
  EXPECT_EQ(cache.alloc_failures(), 1u);
  EXPECT_EQ(cache.objects_out(), 2u);
  cache.free(a);
  Result<void*> c = cache.alloc();
  ASSERT_TRUE(c.is_ok());
  EXPECT_EQ(c.value(), a);
  cache.free(b);
  cache.free(c.value());
  cache.shrink();
  EXPECT_EQ(ram.allocator.free_pages(), 2u);
}

TEST(ObjectCache, RejectsSizesThatDoNotFitAndUnsetCachesHaveNoMemory) {
  HostRam ram(1);
  ObjectCache cache;
  EXPECT_EQ(error_of(cache.alloc()), Error::NoMemory);
  EXPECT_EQ(error_of(cache.init(&ram.allocator, 0, 8)), Error::Invalid);
  EXPECT_EQ(error_of(cache.init(&ram.allocator, 16, 12)), Error::Invalid);
  EXPECT_EQ(error_of(cache.init(&ram.allocator, 16, 2 * PAGE_SIZE)), Error::Invalid);
  EXPECT_EQ(error_of(cache.init(&ram.allocator, PAGE_SIZE, 8)), Error::Invalid);
  EXPECT_EQ(error_of(cache.init(nullptr, 16, 8)), Error::Invalid);
  ASSERT_TRUE(cache.init(&ram.allocator, 16, 8).is_ok());
  void* object = cache.alloc().value();
  EXPECT_EQ(error_of(cache.init(&ram.allocator, 32, 8)), Error::Busy);
  cache.free(object);
}

TEST(ObjectCacheDeathTest, DoubleFreeAndForeignPointersPanic) {
  HostRam ram(2);
  ObjectCache cache;
  ASSERT_TRUE(cache.init(&ram.allocator, 64, 8).is_ok());
  void* a = cache.alloc().value();
  void* b = cache.alloc().value();
  cache.free(a);
  EXPECT_DEATH(cache.free(a), "");
  EXPECT_DEATH(cache.free(static_cast<char*>(b) + 8), "");
  // The object after b in the slab has never been handed out.
  EXPECT_DEATH(cache.free(static_cast<char*>(b) + cache.object_size()), "");
  // A double free is caught wherever the object sits on the free list.
  std::vector<void*> more;
  for (int i = 0; i < 10; i++) more.push_back(cache.alloc().value());
  for (void* object : more) cache.free(object);
  EXPECT_DEATH(cache.free(more[0]), "");
  EXPECT_DEATH(cache.free(more[5]), "");
  ObjectCache other;
  ASSERT_TRUE(other.init(&ram.allocator, 64, 8).is_ok());
  EXPECT_DEATH(other.free(b), "");
  cache.free(b);
}

// A whole AddressSpace life on the cache-backed allocators and physical pages: everything goes
// back to the page allocator.
TEST(ObjectCache, AddressSpaceRunsOnCachesAndPhysicalPages) {
  HostRam ram(64);
  ObjectCache vmas;
  ObjectCache nodes;
  ASSERT_TRUE(init_vma_cache(vmas, &ram.allocator).is_ok());
  ASSERT_TRUE(init_vma_tree_node_cache(nodes, &ram.allocator).is_ok());
  FakeMmu mmu;
  AddressSpaceLayout layout;
  layout.mmap_base = 0x7ff000000000;
  layout.task_size = uint64_t{1} << 47;
  layout.mmap_window = layout.task_size;
  layout.unmapped_base = 0x200000000000;
  const uint64_t zero_page = ram.allocator.alloc(1).value();
  std::memset(reinterpret_cast<void*>(zero_page), 0, PAGE_SIZE);
  {
    AddressSpace space(layout, vma_allocator_from(vmas), vma_tree_allocator_from(nodes), mmu.ops(),
                       physical_page_source(ram.allocator, zero_page));
    for (uint64_t i = 0; i < 40; i++) {
      // Alternate protections so that nothing merges: forty VMAs, several tree nodes.
      const int prot = i % 2 ? PROT_READ : PROT_READ | PROT_WRITE;
      ASSERT_TRUE(space.mmap(0x40000000 + 2 * i * P, P, prot, ANON | MAP_FIXED).is_ok());
    }
    EXPECT_EQ(vmas.objects_out(), 40u);
    EXPECT_GT(nodes.objects_out(), 2u);
    // A page that physical_page_source hands out is zeroed, whatever it held before.
    Result<uint64_t> dirty = ram.allocator.alloc(1);
    ASSERT_TRUE(dirty.is_ok());
    std::memset(reinterpret_cast<void*>(dirty.value()), 0xff, PAGE_SIZE);
    ram.allocator.free(dirty.value(), 1);
    ASSERT_TRUE(space.handle_fault(0x40000000, FaultAccess::Write).is_ok());
    const FakePte pte = mmu.pages.at(0x40000000);
    EXPECT_FALSE(ram.allocator.is_free(pte.pa));
    const auto* bytes = reinterpret_cast<const unsigned char*>(pte.pa);
    for (uint64_t i = 0; i < P; i++) ASSERT_EQ(bytes[i], 0u) << i;
    // Running out of pages is NoMemory from the address space, with nothing changed.
    std::vector<uint64_t> hoard;
    for (;;) {
      Result<uint64_t> pa = ram.allocator.alloc(1);
      if (pa.is_error()) break;
      hoard.push_back(pa.value());
    }
    EXPECT_EQ(error_of(space.handle_fault(0x40000000 + 4 * P, FaultAccess::Write)),
              Error::NoMemory);
    EXPECT_EQ(mmu.pages.size(), 1u);
    for (uint64_t pa : hoard) ram.allocator.free(pa, 1);
  }
  EXPECT_EQ(vmas.objects_out(), 0u);
  EXPECT_EQ(nodes.objects_out(), 0u);
  vmas.shrink();
  nodes.shrink();
  EXPECT_EQ(ram.allocator.free_pages(), 63u);
  ram.allocator.free(zero_page, 1);
}

}  // namespace
