// Tags of user pages: a page's tags are cleared when it is first mapped into a VM_MTE mapping
// (by map, or by protect adding VM_MTE), its data stays, and it is "tagged" until freed (Linux's
// mte_sync_tags() and PG_mte_tagged); arch_mte_read_page_tags() packs its 256 tags two to a byte.
// Every case skips without FEAT_MTE2.

#include "arch/arm64/kernel_map.h"
#include "arch/arm64/mte.h"
#include "kernel/arch/cpu_features.h"
#include "kernel/arch/mmu.h"
#include "kernel/arch/mte.h"
#include "kernel/mm/physical_pages.h"
#include "kernel/proc/kernel_memory.h"
#include "kernel/test/test.h"

namespace {

constexpr uint64_t P = PAGE_SIZE;
constexpr uint64_t USER_VA = 0x400000;

uint64_t with_tag(uint64_t address, uint64_t tag) {
  return (address & ~(uint64_t{0xf} << 56)) | (tag << 56);
}
void stg(uint64_t address) { asm volatile("stg %0, [%0]" ::"r"(address) : "memory"); }

// Gives every granule of the page at `va` tag `tag`.
void tag_page(uint64_t va, uint64_t tag) {
  for (uint64_t a = va; a < va + P; a += MTE_GRANULE_SIZE) stg(with_tag(a, tag));
}

bool all_tags(const uint8_t* tags, uint8_t value) {
  for (size_t i = 0; i < MTE_PAGE_TAG_BYTES; i++) {
    if (tags[i] != value) return false;
  }
  return true;
}

#define REQUIRE_MTE() \
  if (!arch_supports_mte()) KTEST_SKIP("no FEAT_MTE2 (ID_AA64PFR1_EL1.MTE < 2)")

}  // namespace

KTEST(arm64_mte_pages, first_vm_mte_map_clears_the_tags_once) {
  REQUIRE_MTE();
  Result<uint64_t> page = physical_pages().alloc(1);
  ASSERT_OK(page);
  const uint64_t pa = page.value();
  const uint64_t va = arm64::kernel_va(pa);
  arch_mte_page_freed(pa);  // whatever the page was before, it starts untagged here
  tag_page(va, 6);
  *reinterpret_cast<volatile uint64_t*>(va) = 0x1234;
  uint8_t tags[MTE_PAGE_TAG_BYTES];
  EXPECT_FALSE(arch_mte_page_tagged(pa));
  arch_mte_read_page_tags(pa, tags);
  EXPECT_TRUE(all_tags(tags, 0));  // an untagged page reads as tag 0 whatever it holds

  Result<ArchAddressSpace*> created = arch_aspace_create();
  ASSERT_OK(created);
  const MmuOps mmu = arch_aspace_mmu_ops(created.value());
  ASSERT_OK(mmu.map(mmu.context, USER_VA, pa, P, VM_READ | VM_WRITE | VM_MTE));
  EXPECT_TRUE(arch_mte_page_tagged(pa));
  arch_mte_read_page_tags(pa, tags);
  EXPECT_TRUE(all_tags(tags, 0));
  EXPECT_EQ(*reinterpret_cast<volatile uint64_t*>(va), 0x1234u);  // the data stays

  // Granule 0 in the low nibble of byte 0, granule 3 in the high nibble of byte 1.
  stg(with_tag(va, 3));
  stg(with_tag(va + 3 * MTE_GRANULE_SIZE, 0xa));
  stg(with_tag(va + P - MTE_GRANULE_SIZE, 0xc));
  arch_mte_read_page_tags(pa, tags);
  EXPECT_EQ(tags[0], 0x03u);
  EXPECT_EQ(tags[1], 0xa0u);
  EXPECT_EQ(tags[MTE_PAGE_TAG_BYTES - 1], 0xc0u);

  // A second VM_MTE mapping of the tagged page keeps its tags.
  ASSERT_OK(mmu.map(mmu.context, USER_VA + P, pa, P, VM_READ | VM_MTE));
  arch_mte_read_page_tags(pa, tags);
  EXPECT_EQ(tags[0], 0x03u);

  mmu.unmap(mmu.context, USER_VA, USER_VA + 2 * P);
  arch_aspace_destroy(created.value());
  arch_mte_page_freed(pa);
  EXPECT_FALSE(arch_mte_page_tagged(pa));
  tag_page(va, 0);
  physical_pages().free(pa, 1);
}

KTEST(arm64_mte_pages, protect_adding_vm_mte_clears_tags_and_keeps_data) {
  REQUIRE_MTE();
  Result<uint64_t> page = physical_pages().alloc(1);
  ASSERT_OK(page);
  const uint64_t pa = page.value();
  const uint64_t va = arm64::kernel_va(pa);
  arch_mte_page_freed(pa);
  tag_page(va, 9);
  *reinterpret_cast<volatile uint64_t*>(va + 64) = 0xabcd;

  Result<ArchAddressSpace*> created = arch_aspace_create();
  ASSERT_OK(created);
  const MmuOps mmu = arch_aspace_mmu_ops(created.value());
  ASSERT_OK(mmu.map(mmu.context, USER_VA, pa, P, VM_READ | VM_WRITE));
  EXPECT_FALSE(arch_mte_page_tagged(pa));  // a plain mapping does not tag the page
  mmu.protect(mmu.context, USER_VA, USER_VA + P, VM_READ | VM_WRITE | VM_MTE);
  EXPECT_TRUE(arch_mte_page_tagged(pa));
  uint8_t tags[MTE_PAGE_TAG_BYTES];
  arch_mte_read_page_tags(pa, tags);
  EXPECT_TRUE(all_tags(tags, 0));
  EXPECT_EQ(*reinterpret_cast<volatile uint64_t*>(va + 64), 0xabcdu);

  mmu.unmap(mmu.context, USER_VA, USER_VA + P);
  arch_aspace_destroy(created.value());
  arch_mte_page_freed(pa);
  physical_pages().free(pa, 1);
}

KTEST(arm64_mte_pages, freed_pages_through_the_page_source_are_untagged) {
  REQUIRE_MTE();
  Result<ArchAddressSpace*> created = arch_aspace_create();
  ASSERT_OK(created);
  const MmuOps mmu = arch_aspace_mmu_ops(created.value());
  // The user page source: what an address space frees goes back untagged.
  const PageSource source = kernel_page_source();
  Result<uint64_t> page = source.alloc_zeroed(source.context);
  ASSERT_OK(page);
  ASSERT_OK(mmu.map(mmu.context, USER_VA, page.value(), P, VM_READ | VM_WRITE | VM_MTE));
  EXPECT_TRUE(arch_mte_page_tagged(page.value()));
  mmu.unmap(mmu.context, USER_VA, USER_VA + P);
  source.free(source.context, page.value());
  EXPECT_FALSE(arch_mte_page_tagged(page.value()));
  arch_aspace_destroy(created.value());
}
