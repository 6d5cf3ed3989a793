// The kernel's allocator of physical RAM, set up by kernel_main from the BootInfo. On the host it
// stays empty (total_pages() == 0).
#pragma once

#include "kernel/arch/boot.h"
#include "kernel/mm/page_allocator.h"

PageAllocator& physical_pages();

// Manages every RAM range of the BootInfo, one zone each, with every reserved range marked in
// use, and its own bitmap placed in the first usable (RAM, not reserved) piece that holds it,
// which is then marked in use too. Errors: those of ram_map/usable_map (kernel/mm/memory_map.h)
// for bad ranges; Error::NoMemory when there is no RAM or no usable piece holds the bitmap.
Result<void> init_physical_pages(const BootInfo& info);

// Where init_physical_pages put the bitmap (size 0 before it ran).
PhysicalRange physical_pages_bitmap();
