// The allocators an AddressSpace takes (VmaAllocator, VmaTreeAllocator), served by ObjectCaches
// over the physical page allocator. Page-table pages are whole pages and come from the
// PageAllocator directly.
#pragma once

#include "kernel/lib/result.h"
#include "kernel/mm/address_space.h"
#include "kernel/mm/object_cache.h"
#include "kernel/mm/vma_tree.h"

// Sets `cache` up for Vma objects, or for VmaTree nodes (VmaTree::NODE_SIZE bytes aligned to
// VmaTree::NODE_ALIGN), from pages of `pages`. Errors: those of ObjectCache::init.
Result<void> init_vma_cache(ObjectCache& cache, PageAllocator* pages);
Result<void> init_vma_tree_node_cache(ObjectCache& cache, PageAllocator* pages);

// Allocators over a cache set up by the matching init above; they return nullptr when the cache
// reports Error::NoMemory. A Vma comes back default-initialised (Vma{}).
VmaAllocator vma_allocator_from(ObjectCache& cache);
VmaTreeAllocator vma_tree_allocator_from(ObjectCache& cache);
