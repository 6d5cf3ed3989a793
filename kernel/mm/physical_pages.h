// The kernel's allocator of physical RAM, set up by kernel_main from the BootInfo. On the host it
// stays empty (total_pages() == 0).
#pragma once

#include "kernel/arch/boot.h"
#include "kernel/mm/page_allocator.h"

PageAllocator& physical_pages();

// Manages all of RAM, minus the kernel image and the allocator's own bitmap (placed right after
// the kernel). Error::NoMemory when RAM cannot even hold the bitmap.
Result<void> init_physical_pages(const BootInfo& info);
