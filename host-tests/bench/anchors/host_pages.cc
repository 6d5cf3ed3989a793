#include "host-tests/bench/anchors/host_pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

namespace anchors {

namespace {

constexpr uint64_t HUGE_PAGE = uint64_t{1} << 21;

[[noreturn]] void fail(const char* what) {
  fprintf(stderr, "vma-tree-anchors: %s\n", what);
  exit(1);
}

}  // namespace

HostPages::HostPages()
    : m_memory(aligned_alloc(HUGE_PAGE, PAGES * PAGE_SIZE)),
      m_bitmap(static_cast<uint64_t*>(calloc(PageAllocator::bitmap_bytes(PAGES), 1))) {
  if (!m_memory || !m_bitmap) fail("cannot reserve host memory for the node cache");
  const char* small = getenv("VMA_TREE_ANCHORS_SMALL_PAGES");
  if (!(small && *small == '1') && madvise(m_memory, PAGES * PAGE_SIZE, MADV_HUGEPAGE) != 0)
    fprintf(stderr, "vma-tree-anchors: no huge pages for the node cache; 4 KiB pages\n");
  if (allocator.init(reinterpret_cast<uint64_t>(m_memory), PAGES, m_bitmap).is_error())
    fail("page allocator init failed");
}

HostPages::~HostPages() {
  free(m_memory);
  free(m_bitmap);
}

HostPages& host_pages() {
  static HostPages pages;
  return pages;
}

}  // namespace anchors
