// Kernel memory for processes: the Vma and VmaTree-node caches every process's AddressSpace
// shares (ObjectCaches over physical_pages(), set up on first use), the PageSource of user pages
// with the one zero page every address space shares, and a page-granular allocator for process
// objects and file snapshots.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"
#include "kernel/mm/address_space.h"

// The shared allocators; Error::NoMemory when the caches cannot be set up.
Result<VmaAllocator> kernel_vma_allocator();
Result<VmaTreeAllocator> kernel_vma_tree_allocator();
// Takes the shared zero page from the page allocator and zeroes it (its tags too:
// arch_mte_init_zero_page); called once at boot, before kernel_page_source. Error::NoMemory.
Result<void> init_kernel_zero_page();
// The zero page's physical address (init_kernel_zero_page must have run). It is never freed.
uint64_t kernel_zero_page();
// physical_page_source() over physical_pages() with the shared zero page.
PageSource kernel_page_source();
// Returns the caches' empty slabs to the page allocator (what a leak check needs first).
void kernel_memory_shrink();

// `bytes` of zeroed kernel memory in whole pages (the physical address is kept in the last
// word, as the neutral kernel has no virtual-to-physical conversion); Error::NoMemory.
// kernel_free takes the same pointer and size back.
Result<void*> kernel_alloc(size_t bytes);
void kernel_free(void* memory, size_t bytes);
