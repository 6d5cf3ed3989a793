// The shared zero page on the kernel's real page tables (arm64 TTBR0 tables, powerpc radix) and
// RAM: read faults of a large private anonymous region take no page from the page allocator,
// only page-table pages; a write copies the zero page into one page of its own, leaving the
// other translations on the zero page; the page-table check accepts the read-only zero-page
// entries inside the writable VMA; and everything goes back at the end.

#include "kernel/arch/mmu.h"
#include "kernel/lib/placement_new.h"
#include "kernel/mm/address_space.h"
#include "kernel/mm/page_table_check.h"
#include "kernel/mm/physical_pages.h"
#include "kernel/proc/kernel_memory.h"
#include "kernel/test/test.h"

namespace {

constexpr uint64_t P = PAGE_SIZE;
constexpr uint64_t REGION = 0x40000000;  // 1 GiB aligned: one table of each level below the root
constexpr uint64_t PAGES = 1024;
// The most page-table pages PAGES pages in one aligned run below the root can need: one table of
// each level between the root and the leaf level (at most three: arm64 levels 0, 1 and 2 with
// 52-bit VAs, 1 and 2 with 48, radix PUD and PMD) and 4 MiB worth of leaf tables (two of 512
// entries).
constexpr uint64_t TABLE_PAGES = 3 + PAGES / 512;

alignas(AddressSpace) unsigned char g_space_storage[sizeof(AddressSpace)];

struct Translation {
  uint64_t pa;
  VmFlags flags;
  bool found;
};

Translation translation(const MmuOps& mmu, uint64_t va) {
  Translation t{0, 0, false};
  mmu.walk(
      mmu.context, va, va + P,
      [](void* cookie, uint64_t, uint64_t pa, MmuAccess access) {
        *static_cast<Translation*>(cookie) = Translation{pa, access.flags, true};
        return false;
      },
      &t);
  return t;
}

}  // namespace

KTEST(zero_page, read_faults_take_no_pages_and_a_write_copies_one) {
  if (physical_pages().total_pages() == 0) KTEST_SKIP("no physical page allocator (host build)");
  Result<VmaAllocator> vmas = kernel_vma_allocator();
  Result<VmaTreeAllocator> nodes = kernel_vma_tree_allocator();
  ASSERT_OK(vmas);
  ASSERT_OK(nodes);
  kernel_memory_shrink();
  const uint64_t free_at_start = physical_pages().free_pages();
  Result<ArchAddressSpace*> arch = arch_aspace_create();
  ASSERT_OK(arch);
  const MmuOps mmu = arch_aspace_mmu_ops(arch.value());
  AddressSpaceLayout layout;
  layout.mmap_base = 0x7fff'0000'0000;
  layout.task_size = uint64_t{1} << 47;
  layout.mmap_window = layout.task_size;
  layout.unmapped_base = 0x2000'0000'0000;
  auto* space = new (g_space_storage)
      AddressSpace(layout, vmas.value(), nodes.value(), mmu, kernel_page_source());
  ASSERT_OK(space->mmap(REGION, PAGES * P, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED));

  const uint64_t before_reads = physical_pages().free_pages();
  for (uint64_t i = 0; i < PAGES; i++) {
    Result<FaultVerdict> verdict = space->handle_fault(REGION + i * P + 8, FaultAccess::Read);
    ASSERT_OK(verdict);
    ASSERT_EQ(static_cast<int>(verdict.value().signal), static_cast<int>(FaultSignal::None));
  }
  const uint64_t taken = before_reads - physical_pages().free_pages();
  KTEST_NOTE("%llu read faults took %llu pages", static_cast<unsigned long long>(PAGES),
             static_cast<unsigned long long>(taken));
  EXPECT_LE(taken, TABLE_PAGES);
  const Translation first = translation(mmu, REGION);
  ASSERT_TRUE(first.found);
  EXPECT_EQ(first.pa, kernel_zero_page());
  EXPECT_EQ(first.flags & (VM_READ | VM_WRITE), VM_READ);
  EXPECT_EQ(translation(mmu, REGION + (PAGES - 1) * P).pa, kernel_zero_page());
  EXPECT_EQ(space->vma_lookup(REGION)->anon_vma, 0u);
  EXPECT_TRUE(check_page_tables(*space, mmu).ok());
  const auto* zero = static_cast<const volatile uint64_t*>(arch_phys_to_virt(kernel_zero_page()));
  EXPECT_EQ(zero[1], 0u);

  // The write copies: exactly one page more, writable, private to that address.
  const uint64_t before_write = physical_pages().free_pages();
  ASSERT_OK(space->handle_fault(REGION + 5 * P, FaultAccess::Write));
  EXPECT_EQ(before_write - physical_pages().free_pages(), 1u);
  const Translation copy = translation(mmu, REGION + 5 * P);
  ASSERT_TRUE(copy.found);
  EXPECT_NE(copy.pa, kernel_zero_page());
  EXPECT_EQ(copy.flags & (VM_READ | VM_WRITE), VM_READ | VM_WRITE);
  EXPECT_NE(space->vma_lookup(REGION)->anon_vma, 0u);
  auto* bytes = static_cast<volatile uint64_t*>(arch_phys_to_virt(copy.pa));
  EXPECT_EQ(bytes[1], 0u);
  bytes[1] = 0x5eed;
  EXPECT_EQ(translation(mmu, REGION + 4 * P).pa, kernel_zero_page());
  EXPECT_EQ(translation(mmu, REGION + 6 * P).pa, kernel_zero_page());
  EXPECT_EQ(zero[1], 0u);
  EXPECT_TRUE(check_page_tables(*space, mmu).ok());

  ASSERT_OK(space->munmap(REGION, PAGES * P));
  space->~AddressSpace();
  arch_aspace_destroy(arch.value());
  kernel_memory_shrink();
  EXPECT_EQ(physical_pages().free_pages(), free_at_start);
  EXPECT_EQ(zero[1], 0u);
}
