#include "kernel/mm/mm_object_caches.h"

#include "kernel/lib/panic.h"
#include "kernel/lib/placement_new.h"

Result<void> init_vma_cache(ObjectCache& cache, PageAllocator* pages) {
  return cache.init(pages, sizeof(Vma), alignof(Vma));
}

Result<void> init_vma_tree_node_cache(ObjectCache& cache, PageAllocator* pages) {
  return cache.init(pages, VmaTree::NODE_SIZE, VmaTree::NODE_ALIGN);
}

namespace {

void* take(ObjectCache& cache) {
  Result<void*> object = cache.alloc();
  if (object.is_error()) {
    // The cache knows no other failure; anything else would be a broken contract.
    VERIFY(object.error() == Error::NoMemory);
    return nullptr;
  }
  return object.value();
}

}  // namespace

VmaAllocator vma_allocator_from(ObjectCache& cache) {
  VERIFY(cache.object_size() >= sizeof(Vma));
  VmaAllocator allocator;
  allocator.alloc = [](void* context) -> Vma* {
    void* storage = take(*static_cast<ObjectCache*>(context));
    return storage == nullptr ? nullptr : new (storage) Vma{};
  };
  allocator.free = [](void* context, Vma* vma) {
    vma->~Vma();
    static_cast<ObjectCache*>(context)->free(vma);
  };
  allocator.context = &cache;
  return allocator;
}

VmaTreeAllocator vma_tree_allocator_from(ObjectCache& cache) {
  VERIFY(cache.object_size() >= VmaTree::NODE_SIZE);
  VmaTreeAllocator allocator;
  allocator.alloc_node = [](void* context) { return take(*static_cast<ObjectCache*>(context)); };
  allocator.free_node = [](void* context, void* node) {
    static_cast<ObjectCache*>(context)->free(node);
  };
  allocator.ctx = &cache;
  return allocator;
}
