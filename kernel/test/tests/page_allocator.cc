// The early physical page allocator: on a private bitmap over a made-up range, and on the real
// RAM the kernel booted with.

#include "kernel/mm/page_allocator.h"
#include "kernel/arch/mmu.h"
#include "kernel/mm/physical_pages.h"
#include "kernel/test/test.h"

namespace {

constexpr uint64_t BASE = 0x80000000;
constexpr uint64_t PAGES = 200;
uint64_t g_bitmap[PageAllocator::bitmap_bytes(PAGES) / 8];

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
