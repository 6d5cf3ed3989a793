#include "kernel/proc/kernel_memory.h"

#include "kernel/arch/mmu.h"
#include "kernel/arch/mte.h"
#include "kernel/lib/string.h"
#include "kernel/mm/mm_object_caches.h"
#include "kernel/mm/physical_page_source.h"
#include "kernel/mm/physical_pages.h"

namespace {

ObjectCache g_vmas;
ObjectCache g_nodes;
bool g_ready = false;
uint64_t g_zero_page = 0;

Result<void> caches() {
  if (g_ready) return {};
  TRY(init_vma_cache(g_vmas, &physical_pages()));
  TRY(init_vma_tree_node_cache(g_nodes, &physical_pages()));
  g_ready = true;
  return {};
}

size_t pages_for(size_t bytes) { return (bytes + sizeof(uint64_t) + PAGE_SIZE - 1) / PAGE_SIZE; }

}  // namespace

Result<VmaAllocator> kernel_vma_allocator() {
  TRY(caches());
  return vma_allocator_from(g_vmas);
}

Result<VmaTreeAllocator> kernel_vma_tree_allocator() {
  TRY(caches());
  return vma_tree_allocator_from(g_nodes);
}

Result<void> init_kernel_zero_page() {
  VERIFY(g_zero_page == 0);
  const uint64_t pa = TRY(physical_pages().alloc(1));
  klib::mem_set(arch_phys_to_virt(pa), 0, PAGE_SIZE);
  arch_mte_init_zero_page(pa);
  g_zero_page = pa;
  return {};
}

uint64_t kernel_zero_page() {
  VERIFY(g_zero_page != 0);
  return g_zero_page;
}

PageSource kernel_page_source() {
  return physical_page_source(physical_pages(), kernel_zero_page());
}

void kernel_memory_shrink() {
  if (!g_ready) return;
  g_vmas.shrink();
  g_nodes.shrink();
}

Result<void*> kernel_alloc(size_t bytes) {
  const size_t pages = pages_for(bytes);
  const uint64_t pa = TRY(physical_pages().alloc(pages));
  auto* memory = static_cast<uint8_t*>(arch_phys_to_virt(pa));
  klib::mem_set(memory, 0, pages * PAGE_SIZE);
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
