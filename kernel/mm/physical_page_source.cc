#include "kernel/mm/physical_page_source.h"

#include "kernel/arch/mmu.h"
#include "kernel/arch/mte.h"
#include "kernel/lib/string.h"

PageSource physical_page_source(PageAllocator& pages, uint64_t zero_page) {
  PageSource source;
  source.alloc_zeroed = [](void* context) -> Result<uint64_t> {
    const uint64_t pa = TRY(static_cast<PageAllocator*>(context)->alloc(1));
    klib::mem_set(arch_phys_to_virt(pa), 0, PAGE_SIZE);
    return pa;
  };
  source.free = [](void* context, uint64_t pa) {
    arch_mte_page_freed(pa);
    static_cast<PageAllocator*>(context)->free(pa, 1);
  };
  source.context = &pages;
  source.zero_page = zero_page;
  return source;
}
