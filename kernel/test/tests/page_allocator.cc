// The early physical page allocator: on a private bitmap over a made-up range, and on the real
// RAM the kernel booted with.

#include "kernel/mm/page_allocator.h"
#include "kernel/arch/mmu.h"
#include "kernel/lib/boot_info.h"
#include "kernel/mm/memory_map.h"
#include "kernel/mm/physical_pages.h"
#include "kernel/test/test.h"

namespace {

constexpr uint64_t BASE = 0x80000000;
constexpr uint64_t PAGES = 200;
uint64_t g_bitmap[PageAllocator::bitmap_bytes(PAGES) / 8];

// Two zones with a hole between them: 64 pages, then 100 pages 1 MiB further on.
constexpr PhysicalRange ZONES[] = {{BASE, 64 * PAGE_SIZE}, {BASE + 0x100000, 100 * PAGE_SIZE}};
uint64_t g_zone_bitmap[(PageAllocator::bitmap_bytes(64) + PageAllocator::bitmap_bytes(100)) / 8];

MemoryMap g_usable;

}  // namespace

KTEST(page_allocator, first_fit_and_free) {
  PageAllocator pages;
  ASSERT_OK(pages.init(BASE, PAGES, g_bitmap));
  EXPECT_EQ(pages.free_pages(), PAGES);
  Result<uint64_t> a = pages.alloc(3);
  ASSERT_OK(a);
  EXPECT_EQ(a.value(), BASE);
  Result<uint64_t> b = pages.alloc(1);
  ASSERT_OK(b);
  EXPECT_EQ(b.value(), BASE + 3 * PAGE_SIZE);
  pages.free(a.value(), 3);
  Result<uint64_t> c = pages.alloc(2);
  ASSERT_OK(c);
  EXPECT_EQ(c.value(), BASE);
  EXPECT_EQ(pages.free_pages(), PAGES - 3);
}

KTEST(page_allocator, alignment_and_exhaustion) {
  PageAllocator pages;
  ASSERT_OK(pages.init(BASE + PAGE_SIZE, PAGES, g_bitmap));
  Result<uint64_t> aligned = pages.alloc(4, 64 * 1024);
  ASSERT_OK(aligned);
  EXPECT_EQ(aligned.value() % (64 * 1024), 0u);
  EXPECT_EQ(aligned.value(), BASE + 64 * 1024);
  EXPECT_ERROR(pages.alloc(PAGES), Error::NoMemory);
  EXPECT_ERROR(pages.alloc(0), Error::Invalid);
  EXPECT_ERROR(pages.alloc(1, 3 * PAGE_SIZE), Error::Invalid);
  EXPECT_ERROR(pages.alloc(1, 1024), Error::Invalid);
  // Everything that is left, one page at a time, then nothing.
  uint64_t taken = 0;
  while (pages.alloc(1).is_ok()) taken++;
  EXPECT_EQ(taken, PAGES - 4);
  EXPECT_EQ(pages.free_pages(), 0u);
}

KTEST(page_allocator, reserve_and_bad_ranges) {
  PageAllocator pages;
  EXPECT_ERROR(pages.init(BASE + 1, PAGES, g_bitmap), Error::Invalid);
  EXPECT_ERROR(pages.init(kstd::U64_MAX - PAGE_SIZE + 1, 2, g_bitmap), Error::Invalid);
  ASSERT_OK(pages.init(BASE, PAGES, g_bitmap));
  pages.reserve(BASE - PAGE_SIZE, BASE + 10 * PAGE_SIZE + 1);
  EXPECT_EQ(pages.free_pages(), PAGES - 11);
  Result<uint64_t> first = pages.alloc(1);
  ASSERT_OK(first);
  EXPECT_EQ(first.value(), BASE + 11 * PAGE_SIZE);
}

KTEST(page_allocator, zones_keep_runs_apart) {
  PageAllocator pages;
  EXPECT_EQ(PageAllocator::bitmap_bytes(ZONES, 2), sizeof(g_zone_bitmap));
  ASSERT_OK(pages.init(ZONES, 2, g_zone_bitmap));
  EXPECT_EQ(pages.zone_count(), 2u);
  EXPECT_EQ(pages.total_pages(), 164u);
  Result<uint64_t> low = pages.alloc(60);
  ASSERT_OK(low);
  EXPECT_EQ(low.value(), BASE);
  // Ten pages no longer fit below the hole: they come from the second zone, not across the hole.
  Result<uint64_t> high = pages.alloc(10);
  ASSERT_OK(high);
  EXPECT_EQ(high.value(), BASE + 0x100000);
  EXPECT_TRUE(pages.is_free(BASE + 60 * PAGE_SIZE));
  EXPECT_FALSE(pages.is_free(BASE + 59 * PAGE_SIZE));
  EXPECT_FALSE(pages.is_free(BASE + 64 * PAGE_SIZE));  // the hole is not managed
  EXPECT_ERROR(pages.alloc(91), Error::NoMemory);
  // A reservation across the hole marks both sides.
  pages.reserve(BASE + 62 * PAGE_SIZE, BASE + 0x100000 + 12 * PAGE_SIZE);
  EXPECT_EQ(pages.free_pages(), 164u - 60 - 10 - 2 - 2);
  pages.free(high.value(), 10);
  pages.free(low.value(), 60);
  EXPECT_EQ(pages.free_pages(), 164u - 4);
  Result<uint64_t> again = pages.alloc(88);
  ASSERT_OK(again);
  EXPECT_EQ(again.value(), BASE + 0x100000 + 12 * PAGE_SIZE);
}

KTEST(page_allocator, zones_must_be_sorted_disjoint_and_aligned) {
  PageAllocator pages;
  const PhysicalRange unsorted[] = {ZONES[1], ZONES[0]};
  EXPECT_ERROR(pages.init(unsorted, 2, g_zone_bitmap), Error::Invalid);
  const PhysicalRange overlapping[] = {{BASE, 64 * PAGE_SIZE}, {BASE + 63 * PAGE_SIZE, PAGE_SIZE}};
  EXPECT_ERROR(pages.init(overlapping, 2, g_zone_bitmap), Error::Invalid);
  const PhysicalRange empty[] = {{BASE, 0}};
  EXPECT_ERROR(pages.init(empty, 1, g_zone_bitmap), Error::Invalid);
  const PhysicalRange ragged[] = {{BASE, PAGE_SIZE + 1}};
  EXPECT_ERROR(pages.init(ragged, 1, g_zone_bitmap), Error::Invalid);
  EXPECT_ERROR(pages.init(ZONES, 2, nullptr), Error::Invalid);
  PhysicalRange many[PageAllocator::MAX_ZONES + 1];
  for (size_t i = 0; i < kstd::size(many); i++) many[i] = {BASE + 2 * i * PAGE_SIZE, PAGE_SIZE};
  EXPECT_ERROR(pages.init(many, kstd::size(many), g_zone_bitmap), Error::NoSpace);
}

// The allocator manages exactly the RAM the firmware reported, and never holds as free a page
// that is reserved or its own bitmap.
KTEST(page_allocator, real_ram_matches_memory_map) {
  PageAllocator& ram = physical_pages();
  if (ram.total_pages() == 0) KTEST_SKIP("no physical page allocator (host build)");
  const BootInfo& info = boot_info();
  ASSERT_OK(ram_map(info.ram, info.ram_count, &g_usable));
  EXPECT_EQ(ram.total_pages(), map_bytes(g_usable) / PAGE_SIZE);
  EXPECT_EQ(ram.zone_count(), g_usable.count);
  ASSERT_OK(usable_map(info.ram, info.ram_count, info.reserved, info.reserved_count, &g_usable));
  const PhysicalRange bitmap = physical_pages_bitmap();
  ASSERT_GT(bitmap.size, 0u);
  EXPECT_TRUE(map_contains(g_usable, bitmap.base, bitmap.size));
  EXPECT_LE(ram.free_pages(), (map_bytes(g_usable) - bitmap.size) / PAGE_SIZE);
  for (uint64_t a = bitmap.base; a < bitmap.base + bitmap.size; a += PAGE_SIZE) {
    ASSERT_FALSE(ram.is_free(a));
  }
  for (size_t i = 0; i < info.reserved_count; i++) {
    const PhysicalRange& range = info.reserved[i].range;
    for (uint64_t a = kstd::align_down(range.base, PAGE_SIZE); a < range.base + range.size;
         a += PAGE_SIZE) {
      ASSERT_FALSE(ram.is_free(a));
    }
  }
}

KTEST(page_allocator, real_ram) {
  PageAllocator& ram = physical_pages();
  if (ram.total_pages() == 0) KTEST_SKIP("no physical page allocator (host build)");
  const uint64_t before = ram.free_pages();
  Result<uint64_t> block = ram.alloc(16, 64 * 1024);
  ASSERT_OK(block);
  // The pages are real memory: fill them and read the pattern back.
  auto* words = static_cast<volatile uint64_t*>(arch_phys_to_virt(block.value()));
  for (uint64_t i = 0; i < 16 * PAGE_SIZE / 8; i++) words[i] = i * 0x9e3779b97f4a7c15ull;
  for (uint64_t i = 0; i < 16 * PAGE_SIZE / 8; i++) {
    ASSERT_EQ(words[i], i * 0x9e3779b97f4a7c15ull);
  }
  EXPECT_EQ(ram.free_pages(), before - 16);
  ram.free(block.value(), 16);
  EXPECT_EQ(ram.free_pages(), before);
}
