#include "kernel/mm/physical_pages.h"

#include "kernel/arch/mmu.h"
#include "kernel/lib/kstd.h"
#include "kernel/mm/memory_map.h"

namespace {

PageAllocator g_physical_pages;
PhysicalRange g_bitmap{0, 0};

}  // namespace

PageAllocator& physical_pages() { return g_physical_pages; }

PhysicalRange physical_pages_bitmap() { return g_bitmap; }

Result<void> init_physical_pages(const BootInfo& info) {
  MemoryMap ram{};
  MemoryMap usable{};
  TRY(ram_map(info.ram, info.ram_count, &ram));
  TRY(usable_map(info.ram, info.ram_count, info.reserved, info.reserved_count, &usable));
  if (ram.count == 0) return Error::NoMemory;
  const uint64_t bytes =
      kstd::align_up(PageAllocator::bitmap_bytes(ram.ranges, ram.count), PAGE_SIZE);
  const PhysicalRange* home = nullptr;
  for (size_t i = 0; i < usable.count && home == nullptr; i++) {
    if (usable.ranges[i].size >= bytes) home = &usable.ranges[i];
  }
  if (home == nullptr) return Error::NoMemory;
  TRY(g_physical_pages.init(ram.ranges, ram.count,
                            static_cast<uint64_t*>(arch_phys_to_virt(home->base))));
  for (size_t i = 0; i < info.reserved_count; i++) {
    const PhysicalRange& range = info.reserved[i].range;
    if (range.size == 0) continue;
    uint64_t end = 0;
    if (!kstd::checked_add(range.base, range.size, &end)) end = kstd::U64_MAX;
    g_physical_pages.reserve(range.base, end);
  }
  g_bitmap = PhysicalRange{home->base, bytes};
  g_physical_pages.reserve(home->base, home->base + bytes);
  return {};
}
