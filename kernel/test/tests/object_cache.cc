// The mm object caches and the physical PageSource on the kernel's real RAM: objects come from
// pages of the physical page allocator reached through arch_phys_to_virt, are distinct memory,
// and every page goes back; a page handed out for user memory is zeroed.

#include "kernel/arch/mmu.h"
#include "kernel/lib/string.h"
#include "kernel/mm/mm_object_caches.h"
#include "kernel/mm/physical_page_source.h"
#include "kernel/mm/physical_pages.h"
#include "kernel/proc/kernel_memory.h"
#include "kernel/test/test.h"

namespace {

constexpr uint32_t COUNT = 200;  // Vmas: several slabs
ObjectCache g_vmas;
ObjectCache g_nodes;
Vma* g_taken[COUNT];

}  // namespace

KTEST(object_cache, vmas_and_nodes_on_real_ram) {
  PageAllocator& ram = physical_pages();
  if (ram.total_pages() == 0) KTEST_SKIP("no physical page allocator (host build)");
  const uint64_t before = ram.free_pages();
  ASSERT_OK(init_vma_cache(g_vmas, &ram));
  ASSERT_OK(init_vma_tree_node_cache(g_nodes, &ram));
  const VmaAllocator vmas = vma_allocator_from(g_vmas);
  for (uint32_t i = 0; i < COUNT; i++) {
    g_taken[i] = vmas.alloc(vmas.context);
    ASSERT_TRUE(g_taken[i] != nullptr);
    g_taken[i]->vm_start = i;
  }
  EXPECT_GT(g_vmas.slabs(), 1u);
  EXPECT_EQ(ram.free_pages(), before - g_vmas.slabs());
  // Each object kept what was written into it: none overlaps another.
  for (uint32_t i = 0; i < COUNT; i++) ASSERT_EQ(g_taken[i]->vm_start, i);
  for (uint32_t i = 0; i < COUNT; i++) vmas.free(vmas.context, g_taken[i]);
  const VmaTreeAllocator nodes = vma_tree_allocator_from(g_nodes);
  void* node = nodes.alloc_node(nodes.ctx);
  ASSERT_TRUE(node != nullptr);
  EXPECT_EQ(reinterpret_cast<uint64_t>(node) % VmaTree::NODE_ALIGN, 0u);
  klib::mem_set(node, 0xff, VmaTree::NODE_SIZE);
  nodes.free_node(nodes.ctx, node);
  g_vmas.shrink();
  g_nodes.shrink();
  EXPECT_EQ(g_vmas.slabs() + g_nodes.slabs(), 0u);
  EXPECT_EQ(ram.free_pages(), before);
}

KTEST(object_cache, physical_page_source_zeroes) {
  PageAllocator& ram = physical_pages();
  if (ram.total_pages() == 0) KTEST_SKIP("no physical page allocator (host build)");
  const uint64_t before = ram.free_pages();
  // Dirty a page, give it back, and take it again through the source: first fit returns it.
  Result<uint64_t> dirty = ram.alloc(1);
  ASSERT_OK(dirty);
  klib::mem_set(arch_phys_to_virt(dirty.value()), 0xa5, PAGE_SIZE);
  ram.free(dirty.value(), 1);
  const PageSource source = physical_page_source(ram, kernel_zero_page());
  Result<uint64_t> page = source.alloc_zeroed(source.context);
  ASSERT_OK(page);
  EXPECT_EQ(page.value(), dirty.value());
  const auto* bytes = static_cast<const volatile uint8_t*>(arch_phys_to_virt(page.value()));
  for (uint64_t i = 0; i < PAGE_SIZE; i++) ASSERT_EQ(bytes[i], 0u);
  source.free(source.context, page.value());
  EXPECT_EQ(ram.free_pages(), before);
}
