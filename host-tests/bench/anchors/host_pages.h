// The memory the bench's VmaTrees take their nodes from: host memory served page by page by the
// kernel's PageAllocator, as the kernels' RAM is, through the kernel's ObjectCache.
//
// The kernels map all of RAM with 1 GiB blocks (arch/arm64/mmu_boot.cc, arch/powerpc/radix.cc),
// so walking nodes there costs no TLB misses to speak of. The host memory is therefore asked for
// 2 MiB pages (transparent huge pages, madvise mode); where the host refuses, it stays 4 KiB
// pages and the bench says so on stderr. VMA_TREE_ANCHORS_SMALL_PAGES=1 in the environment keeps
// 4 KiB pages, to see what the TLB costs.
#pragma once

#include <stdint.h>

#include "kernel/mm/page_allocator.h"

namespace anchors {

class HostPages {
 public:
  static constexpr uint64_t PAGES = uint64_t{1} << 18;  // 1 GiB of address space, touched lazily
  HostPages();
  ~HostPages();
  HostPages(const HostPages&) = delete;
  HostPages& operator=(const HostPages&) = delete;
  PageAllocator allocator;

 private:
  void* m_memory;
  uint64_t* m_bitmap;
};

// The one HostPages of the process, made on first use.
HostPages& host_pages();

}  // namespace anchors
