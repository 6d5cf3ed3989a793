#include "kernel/proc/kernel_memory.h"

#include "kernel/arch/mmu.h"
#include "kernel/lib/placement_new.h"
#include "kernel/lib/string.h"
#include "kernel/mm/physical_pages.h"

namespace {

// The page's physical address sits in its last word, below which the object lives.
constexpr size_t PA_SLOT = PAGE_SIZE - sizeof(uint64_t);

void* page_object() {
  Result<uint64_t> pa = physical_pages().alloc(1);
  if (pa.is_error()) return nullptr;
  auto* page = static_cast<uint8_t*>(arch_phys_to_virt(pa.value()));
  klib::mem_set(page, 0, PAGE_SIZE);
  klib::mem_copy(page + PA_SLOT, &pa.value(), sizeof(uint64_t));
  return page;
}

void free_page_object(void* object) {
  uint64_t pa;
  klib::mem_copy(&pa, static_cast<uint8_t*>(object) + PA_SLOT, sizeof(pa));
  physical_pages().free(pa, 1);
}

static_assert(sizeof(Vma) <= PA_SLOT && VmaTree::NODE_SIZE <= PA_SLOT);

Vma* vma_alloc(void*) {
  void* page = page_object();
  return page == nullptr ? nullptr : new (page) Vma{};
}
void vma_free(void*, Vma* vma) { free_page_object(vma); }
void* node_alloc(void*) { return page_object(); }
void node_free(void*, void* node) { free_page_object(node); }

Result<uint64_t> page_alloc_zeroed(void*) {
  const uint64_t pa = TRY(physical_pages().alloc(1));
  klib::mem_set(arch_phys_to_virt(pa), 0, PAGE_SIZE);
  return pa;
}
void page_free(void*, uint64_t pa) { physical_pages().free(pa, 1); }

size_t pages_for(size_t bytes) { return (bytes + sizeof(uint64_t) + PAGE_SIZE - 1) / PAGE_SIZE; }

}  // namespace

VmaAllocator kernel_vma_allocator() { return {vma_alloc, vma_free, nullptr}; }
VmaTreeAllocator kernel_vma_tree_allocator() { return {node_alloc, node_free, nullptr}; }
PageSource kernel_page_source() { return {page_alloc_zeroed, page_free, nullptr}; }

Result<void*> kernel_alloc(size_t bytes) {
  const size_t pages = pages_for(bytes);
  const uint64_t pa = TRY(physical_pages().alloc(pages));
  auto* memory = static_cast<uint8_t*>(arch_phys_to_virt(pa));
  klib::mem_set(memory, 0, pages * PAGE_SIZE);
  // The physical address goes after the object, in the last word of the last page.
  klib::mem_copy(memory + pages * PAGE_SIZE - sizeof(uint64_t), &pa, sizeof(pa));
  return static_cast<void*>(memory);
}

void kernel_free(void* memory, size_t bytes) {
  const size_t pages = pages_for(bytes);
  uint64_t pa;
  klib::mem_copy(&pa, static_cast<uint8_t*>(memory) + pages * PAGE_SIZE - sizeof(uint64_t),
                 sizeof(pa));
  physical_pages().free(pa, pages);
}
