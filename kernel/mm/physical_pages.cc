#include "kernel/mm/physical_pages.h"

#include "kernel/arch/mmu.h"

namespace {

PageAllocator g_physical_pages;

}  // namespace

PageAllocator& physical_pages() { return g_physical_pages; }

Result<void> init_physical_pages(const BootInfo& info) {
  uint64_t ram_end = 0;
  if (!kstd::checked_add(info.mem_base, info.mem_size, &ram_end)) return Error::Invalid;
  const uint64_t base = kstd::align_up(info.mem_base, PAGE_SIZE);
  if (ram_end <= base) return Error::NoMemory;
  const uint64_t pages = (ram_end - base) >> PAGE_SHIFT;
  const uint64_t bitmap = kstd::align_up(info.kernel_end, 8);
  const uint64_t bitmap_end = bitmap + PageAllocator::bitmap_bytes(pages);
  if (bitmap < base || bitmap_end > ram_end) return Error::NoMemory;
  TRY(g_physical_pages.init(base, pages, static_cast<uint64_t*>(arch_phys_to_virt(bitmap))));
  g_physical_pages.reserve(info.kernel_start, bitmap_end);
  return {};
}
