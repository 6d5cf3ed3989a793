// Kernel memory for processes: pages for Vma objects, VmaTree nodes and anonymous user pages,
// all from the physical page allocator, and a page-granular allocator for process objects.
//
// Temporary and simple: every Vma and every tree node takes a page of its own (its physical
// address kept in the page's last word, as the neutral kernel has no virtual-to-physical
// conversion), until an object cache packs them. Correct, only wasteful; every page goes back
// when its object is freed, so the free-page count proves teardown complete.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"
#include "kernel/mm/address_space.h"

VmaAllocator kernel_vma_allocator();
VmaTreeAllocator kernel_vma_tree_allocator();
// Zeroed pages for anonymous memory (PageSource::alloc_zeroed), from physical_pages().
PageSource kernel_page_source();

// `bytes` of zeroed kernel memory in whole pages; Error::NoMemory. kernel_free takes the same
// pointer and size back.
Result<void*> kernel_alloc(size_t bytes);
void kernel_free(void* memory, size_t bytes);
