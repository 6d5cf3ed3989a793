// A PageSource over the physical page allocator: the pages user memory lives in. A page is
// zeroed through its kernel address (arch_phys_to_virt) before it is handed out.
#pragma once

#include "kernel/mm/page_allocator.h"
#include "kernel/mm/page_source.h"

// alloc_zeroed takes one page of `pages` (Error::NoMemory when none is left); free gives it
// back. `pages` must outlive the source. zero_page is the source's zero page (PageSource), a
// zeroed page the caller keeps for good.
PageSource physical_page_source(PageAllocator& pages, uint64_t zero_page);
