// The user page tables of arch/arm64/page_table.h through MmuOps: what map, walk, protect and
// unmap leave in the descriptors, and that every table page goes back to the allocator.

#include "arch/arm64/page_table.h"

#include "arch/arm64/descriptor.h"
#include "arch/arm64/mmu_boot.h"
#include "kernel/mm/physical_pages.h"
#include "kernel/test/test.h"

namespace {

using namespace arm64;

constexpr uint64_t P = PAGE_SIZE;
constexpr uint64_t TEXT = 0x400000;

struct Visit {
  uint64_t va[8];
  uint64_t pa[8];
  MmuAccess access[8];
  unsigned count;
};

bool record(void* cookie, uint64_t va, uint64_t pa, MmuAccess access) {
  auto* visit = static_cast<Visit*>(cookie);
  if (visit->count == 8) return false;
  visit->va[visit->count] = va;
  visit->pa[visit->count] = pa;
  visit->access[visit->count] = access;
  visit->count++;
  return true;
}

Visit walk_all(const MmuOps& mmu) {
  Visit visit{};
  mmu.walk(mmu.context, 0, user_va_limit(), record, &visit);
  return visit;
}

constexpr uint64_t ATTR_INDEX_MASK = DESC_ATTR_INDEX_MASK;

// Holds all free RAM but `keep` pages, in as few runs as first-fit allows.
struct Hog {
  uint64_t base[64];
  uint64_t pages[64];
  unsigned count = 0;

  bool take_all_but(uint64_t keep) {
    PageAllocator& ram = physical_pages();
    uint64_t want = ram.free_pages() - keep;
    while (ram.free_pages() > keep && count < 64) {
      if (want > ram.free_pages() - keep) want = ram.free_pages() - keep;
      Result<uint64_t> block = ram.alloc(want);
      if (block.is_error()) {
        want /= 2;
        continue;
      }
      base[count] = block.value();
      pages[count++] = want;
    }
    return ram.free_pages() == keep;
  }

  ~Hog() {
    for (unsigned i = 0; i < count; i++) physical_pages().free(base[i], pages[i]);
  }
};

}  // namespace

KTEST(arm64_page_table, map_sets_the_user_leaf_attributes) {
  Result<ArchAddressSpace*> created = arch_aspace_create();
  ASSERT_OK(created);
  ArchAddressSpace* aspace = created.value();
  const MmuOps mmu = arch_aspace_mmu_ops(aspace);
  const uint64_t pa = 0x48000000;  // never accessed: only the descriptors are checked
  ASSERT_OK(mmu.map(mmu.context, TEXT, pa, 3 * P, VM_READ | VM_EXEC));
  ASSERT_OK(mmu.map(mmu.context, TEXT + 3 * P, pa + 3 * P, P, VM_READ | VM_WRITE));
  ASSERT_OK(mmu.map(mmu.context, TEXT + 4 * P, pa + 4 * P, P, VM_READ | VM_WRITE | VM_MTE));

  const uint64_t text = aspace_leaf(aspace, TEXT + P);
  EXPECT_EQ(text & DESC_ADDRESS_MASK, pa + P);
  EXPECT_EQ(text & 3, DESC_PAGE);
  // Inner shareable: SH in the descriptor, or from TCR_EL1 where DS makes those bits address bits.
  EXPECT_EQ(text & (DESC_AF | DESC_NG | DESC_SH_INNER), DESC_AF | DESC_NG | mmu_shareability());
  EXPECT_EQ(text & (DESC_AP_EL0 | DESC_AP_READ_ONLY), DESC_AP_EL0 | DESC_AP_READ_ONLY);
  EXPECT_EQ(text & (DESC_PXN | DESC_UXN), DESC_PXN);
  EXPECT_EQ(text & ATTR_INDEX_MASK, desc_attr_index(MAIR_INDEX_NORMAL));

  const uint64_t data = aspace_leaf(aspace, TEXT + 3 * P);
  EXPECT_EQ(data & (DESC_AP_EL0 | DESC_AP_READ_ONLY), DESC_AP_EL0);
  EXPECT_EQ(data & (DESC_PXN | DESC_UXN), DESC_PXN | DESC_UXN);
  const uint64_t tagged = aspace_leaf(aspace, TEXT + 4 * P);
  EXPECT_EQ(tagged & ATTR_INDEX_MASK, desc_attr_index(MAIR_INDEX_TAGGED));
  EXPECT_EQ(aspace_leaf(aspace, TEXT + 5 * P), 0u);

  // The walk reports what each descriptor grants EL0.
  const Visit visit = walk_all(mmu);
  ASSERT_EQ(visit.count, 5u);
  EXPECT_EQ(visit.access[0].flags, VM_READ | VM_EXEC);
  EXPECT_EQ(visit.access[3].flags, VM_READ | VM_WRITE);
  EXPECT_EQ(visit.access[4].flags, VM_READ | VM_WRITE | VM_MTE);
  for (unsigned i = 0; i < visit.count; i++) EXPECT_TRUE(visit.access[i].user);
  // A privileged entry, as the kernel's own map has them: no user page.
  const MmuAccess kernel = leaf_access(text & ~DESC_AP_EL0);
  EXPECT_FALSE(kernel.user);
  EXPECT_EQ(kernel.flags, VM_READ);

  mmu.unmap(mmu.context, TEXT, TEXT + 5 * P);
  arch_aspace_destroy(aspace);
}

KTEST(arm64_page_table, guarded_pages_carry_the_gp_bit) {
  Result<ArchAddressSpace*> created = arch_aspace_create();
  ASSERT_OK(created);
  ArchAddressSpace* aspace = created.value();
  const MmuOps mmu = arch_aspace_mmu_ops(aspace);
  const uint64_t pa = 0x48000000;  // never accessed: only the descriptors are checked
  ASSERT_OK(mmu.map(mmu.context, TEXT, pa, P, VM_READ | VM_EXEC | VM_ARM64_BTI));
  ASSERT_OK(mmu.map(mmu.context, TEXT + P, pa + P, P, VM_READ | VM_EXEC));
  EXPECT_EQ(aspace_leaf(aspace, TEXT) & DESC_GP, DESC_GP);
  EXPECT_EQ(aspace_leaf(aspace, TEXT + P) & DESC_GP, 0u);
  Visit visit = walk_all(mmu);
  ASSERT_EQ(visit.count, 2u);
  EXPECT_EQ(visit.access[0].flags, VM_READ | VM_EXEC | VM_ARM64_BTI);
  EXPECT_EQ(visit.access[1].flags, VM_READ | VM_EXEC);
  // protect() sets and clears the guard with the access bits.
  mmu.protect(mmu.context, TEXT, TEXT + 2 * P, VM_READ | VM_EXEC | VM_ARM64_BTI);
  EXPECT_EQ(aspace_leaf(aspace, TEXT + P) & DESC_GP, DESC_GP);
  mmu.protect(mmu.context, TEXT, TEXT + P, VM_READ | VM_EXEC);
  EXPECT_EQ(aspace_leaf(aspace, TEXT) & DESC_GP, 0u);
  mmu.unmap(mmu.context, TEXT, TEXT + 2 * P);
  arch_aspace_destroy(aspace);
}

KTEST(arm64_page_table, walk_protect_unmap_round_trip) {
  Result<ArchAddressSpace*> created = arch_aspace_create();
  ASSERT_OK(created);
  ArchAddressSpace* aspace = created.value();
  const MmuOps mmu = arch_aspace_mmu_ops(aspace);
  const uint64_t high = user_va_limit() - 2 * P;  // the root's last entry's last table
  ASSERT_OK(mmu.map(mmu.context, TEXT, 0x48000000, 2 * P, VM_READ | VM_WRITE));
  ASSERT_OK(mmu.map(mmu.context, high, 0x48100000, 2 * P, VM_READ));

  Visit visit = walk_all(mmu);
  ASSERT_EQ(visit.count, 4u);
  const uint64_t want_va[] = {TEXT, TEXT + P, high, high + P};
  const uint64_t want_pa[] = {0x48000000, 0x48001000, 0x48100000, 0x48101000};
  for (unsigned i = 0; i < 4; i++) {
    EXPECT_EQ(visit.va[i], want_va[i]);
    EXPECT_EQ(visit.pa[i], want_pa[i]);
  }

  // Read-only and executable, then no access at all: the hardware must fault on the page, but
  // the walk still sees it and its address.
  mmu.protect(mmu.context, TEXT, TEXT + P, VM_READ | VM_EXEC);
  EXPECT_EQ(aspace_leaf(aspace, TEXT), user_leaf_descriptor(0x48000000, VM_READ | VM_EXEC));
  EXPECT_EQ(aspace_leaf(aspace, TEXT + P), user_leaf_descriptor(0x48001000, VM_READ | VM_WRITE));
  mmu.protect(mmu.context, 0, user_va_limit(), VM_NONE);
  EXPECT_EQ(aspace_leaf(aspace, high) & DESC_VALID, 0u);
  EXPECT_EQ(aspace_leaf(aspace, high), 0x48100000 | DESC_SW_PROT_NONE);
  visit = walk_all(mmu);
  EXPECT_EQ(visit.count, 4u);
  EXPECT_EQ(visit.access[2].flags, VM_NONE);
  EXPECT_TRUE(visit.access[2].user);
  mmu.protect(mmu.context, high, high + P, VM_READ | VM_WRITE);
  EXPECT_EQ(aspace_leaf(aspace, high), user_leaf_descriptor(0x48100000, VM_READ | VM_WRITE));

  mmu.unmap(mmu.context, TEXT + P, high + P);
  visit = walk_all(mmu);
  ASSERT_EQ(visit.count, 2u);
  EXPECT_EQ(visit.va[0], TEXT);
  EXPECT_EQ(visit.va[1], high + P);
  mmu.unmap(mmu.context, 0, user_va_limit());
  EXPECT_EQ(walk_all(mmu).count, 0u);
  arch_aspace_destroy(aspace);
}

KTEST(arm64_page_table, no_table_page_leaks) {
  PageAllocator& ram = physical_pages();
  const uint64_t before = ram.free_pages();
  Result<ArchAddressSpace*> created = arch_aspace_create();
  ASSERT_OK(created);
  ArchAddressSpace* aspace = created.value();
  const MmuOps mmu = arch_aspace_mmu_ops(aspace);
  EXPECT_EQ(ram.free_pages(), before - 1);  // the root table

  // Pages under different root, level-0, level-1 and level-2 entries, each needing tables of its
  // own: below the root, TEXT and the last page have a table at every level (three, or four with
  // a level -1 root), 2^39 three and the next two two and one.
  const uint64_t places[] = {TEXT, uint64_t{1} << 39, (uint64_t{1} << 39) + (uint64_t{1} << 30),
                             (uint64_t{1} << 39) + (uint64_t{1} << 21), user_va_limit() - P};
  for (const uint64_t va : places) ASSERT_OK(mmu.map(mmu.context, va, 0x48000000, P, VM_READ));
  const uint64_t below_root = static_cast<uint64_t>(3 - user_root_level());
  EXPECT_EQ(ram.free_pages(), before - 1 - below_root - 3 - 2 - 1 - below_root);
  // Unmapping frees every table it empties.
  mmu.unmap(mmu.context, 0, user_va_limit());
  EXPECT_EQ(ram.free_pages(), before - 1);

  // Destroying frees whatever is still mapped, too.
  for (const uint64_t va : places) ASSERT_OK(mmu.map(mmu.context, va, 0x48000000, P, VM_READ));
  arch_aspace_destroy(aspace);
  EXPECT_EQ(ram.free_pages(), before);
}

KTEST(arm64_page_table, map_without_memory_maps_nothing) {
  PageAllocator& ram = physical_pages();
  Result<ArchAddressSpace*> created = arch_aspace_create();
  ASSERT_OK(created);
  ArchAddressSpace* aspace = created.value();
  const MmuOps mmu = arch_aspace_mmu_ops(aspace);
  ASSERT_OK(mmu.map(mmu.context, TEXT, 0x48000000, P, VM_READ));
  // Two pages that straddle a 2 MiB boundary under a fresh level-0 entry: the first needs three
  // new tables, the second a fourth. Leave room for three.
  const uint64_t boundary = (uint64_t{1} << 39) + (uint64_t{1} << 21);
  Result<void> mapped = Error::Invalid;
  uint64_t free_after = 0;
  bool held = false;
  {
    Hog hog;
    held = hog.take_all_but(3);
    if (held) mapped = mmu.map(mmu.context, boundary - P, 0x48001000, 2 * P, VM_READ);
    free_after = ram.free_pages();
  }
  ASSERT_TRUE(held);
  ASSERT_TRUE(mapped.is_error());
  EXPECT_EQ(mapped.error(), Error::NoMemory);
  // Nothing of the range, and none of the tables made for it, is left.
  EXPECT_EQ(free_after, 3u);
  EXPECT_EQ(aspace_leaf(aspace, boundary - P), 0u);
  EXPECT_EQ(walk_all(mmu).count, 1u);
  mmu.unmap(mmu.context, 0, user_va_limit());
  arch_aspace_destroy(aspace);
}
