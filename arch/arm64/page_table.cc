// arm64 user page tables; the design is in page_table.h.

#include "arch/arm64/page_table.h"

#include "arch/arm64/descriptor.h"
#include "arch/arm64/kernel_map.h"
#include "arch/arm64/mmu_boot.h"
#include "arch/arm64/mte.h"
#include "arch/arm64/sysreg.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/string.h"
#include "kernel/mm/physical_pages.h"

namespace arm64 {
namespace {

constexpr int LEAF_LEVEL = 3;
constexpr unsigned TTBR_ASID_SHIFT = 48;
constexpr uint64_t ASID_BITS_16 = 2;  // ID_AA64MMFR0_EL1.ASIDBits [7:4]

ArchAddressSpace g_spaces[MAX_ADDRESS_SPACES];

// The ID register cannot change while the kernel runs; each is read once.
bool lpa2() {
  static const bool supported = mmu_lpa2();
  return supported;
}

uint64_t shareability() {
  static const uint64_t sh = mmu_shareability();
  return sh;
}

uint64_t* table_at(uint64_t pa) { return reinterpret_cast<uint64_t*>(kernel_va(pa)); }
uint64_t* child_table(uint64_t descriptor) { return table_at(descriptor & DESC_ADDRESS_MASK); }
bool leaf_present(uint64_t descriptor) {
  return (descriptor & (DESC_VALID | DESC_SW_PROT_NONE)) != 0;
}
uint64_t span(int level) { return uint64_t{1} << level_shift(level); }

// TLBI VAE1IS operand (Arm ARM, "TLBI VAE1IS"): ASID in [63:48], VA[55:12] in [43:0]. It
// invalidates the translation of the page and any cached table entry used to reach it.
void flush_page(uint16_t asid, uint64_t va) {
  const uint64_t operand =
      (uint64_t{asid} << TTBR_ASID_SHIFT) | ((va >> 12) & ((uint64_t{1} << 44) - 1));
  asm volatile("tlbi vae1is, %0" ::"r"(operand) : "memory");
}

// Makes the page at `pa` coherent for instruction fetch (Arm ARM, "Instruction cache
// maintenance" and "Data and unified caches"): clean each D-cache line to the point of
// unification, then invalidate the I-cache lines, through the linear map.
void sync_icache(uint64_t pa) {
  const uint64_t ctr = ARM64_READ_SYSREG(ctr_el0);
  const uint64_t dline = uint64_t{4} << field(ctr, 16, 4);  // CTR_EL0.DminLine
  const uint64_t iline = uint64_t{4} << field(ctr, 0, 4);   // CTR_EL0.IminLine
  const uint64_t start = kernel_va(pa);
  for (uint64_t p = start; p < start + PAGE_SIZE; p += dline) {
    asm volatile("dc cvau, %0" ::"r"(p) : "memory");
  }
  dsb_ish();
  for (uint64_t p = start; p < start + PAGE_SIZE; p += iline) {
    asm volatile("ic ivau, %0" ::"r"(p) : "memory");
  }
  dsb_ish();
}

Result<uint64_t> alloc_table() {
  const uint64_t pa = TRY(physical_pages().alloc(1));
  klib::mem_set(table_at(pa), 0, PAGE_SIZE);
  // The zeroes must reach the table walker before any descriptor that points at the table.
  dsb_ishst();
  return pa;
}

bool table_empty(const uint64_t* table) {
  for (unsigned i = 0; i < TABLE_ENTRIES; i++) {
    if (table[i] != 0) return false;
  }
  return true;
}

// The level-3 table that covers `va`, creating the missing tables on the way.
Result<uint64_t*> leaf_table(ArchAddressSpace* aspace, uint64_t va) {
  uint64_t* table = table_at(aspace->root);
  for (int level = user_root_level(); level < LEAF_LEVEL; level++) {
    uint64_t& entry = table[table_index(va, level)];
    if ((entry & DESC_VALID) == 0) entry = TRY(alloc_table()) | DESC_TABLE | DESC_VALID;
    table = child_table(entry);
  }
  return table;
}

// Removes the leaves in [start, end) under `table` (at `level`, covering from `base`), frees
// the tables that become empty, and says whether `table` itself is empty now.
bool unmap_in(uint16_t asid, uint64_t* table, int level, uint64_t base, uint64_t start,
              uint64_t end) {
  const uint64_t size = span(level);
  for (uint64_t va = start; va < end;) {
    const uint64_t entry_base = base + (va - base) / size * size;
    const uint64_t next = entry_base + size < end ? entry_base + size : end;
    uint64_t& entry = table[table_index(va, level)];
    if (level == LEAF_LEVEL) {
      const uint64_t old = entry;
      if (leaf_present(old)) {
        entry = 0;
        if (old & DESC_VALID) {
          dsb_ishst();
          flush_page(asid, va);
        }
      }
    } else if (entry & DESC_VALID) {
      uint64_t* child = child_table(entry);
      if (unmap_in(asid, child, level + 1, entry_base, va, next)) {
        const uint64_t child_pa = entry & DESC_ADDRESS_MASK;
        entry = 0;
        dsb_ishst();
        flush_page(asid, entry_base);
        // No walk may still use the table when the page goes back to the allocator.
        dsb_ish();
        physical_pages().free(child_pa, 1);
      }
    }
    va = next;
  }
  return table_empty(table);
}

// Visits the present leaves in [start, end) under `table`; false when `visit` stopped the walk.
template <typename F>
bool for_each_leaf(uint64_t* table, int level, uint64_t base, uint64_t start, uint64_t end,
                   F&& visit) {
  const uint64_t size = span(level);
  for (uint64_t va = start; va < end;) {
    const uint64_t entry_base = base + (va - base) / size * size;
    const uint64_t next = entry_base + size < end ? entry_base + size : end;
    uint64_t& entry = table[table_index(va, level)];
    if (level == LEAF_LEVEL) {
      if (leaf_present(entry) && !visit(va, entry)) return false;
    } else if (entry & DESC_VALID) {
      if (!for_each_leaf(child_table(entry), level + 1, entry_base, va, next, visit)) return false;
    }
    va = next;
  }
  return true;
}

void free_tables(uint64_t* table, int level) {
  if (level == LEAF_LEVEL) return;
  for (unsigned i = 0; i < TABLE_ENTRIES; i++) {
    if ((table[i] & DESC_VALID) == 0) continue;
    free_tables(child_table(table[i]), level + 1);
    physical_pages().free(table[i] & DESC_ADDRESS_MASK, 1);
  }
}

void check_range(uint64_t start, uint64_t end) {
  VERIFY(start <= end && end <= user_va_limit());
  VERIFY(start % PAGE_SIZE == 0 && end % PAGE_SIZE == 0);
}

void mmu_unmap(void* context, uint64_t start, uint64_t end) {
  auto* aspace = static_cast<ArchAddressSpace*>(context);
  check_range(start, end);
  if (start == end) return;
  unmap_in(aspace->asid, table_at(aspace->root), user_root_level(), 0, start, end);
  dsb_ish();
  isb();
}

Result<void> mmu_map(void* context, uint64_t va, uint64_t pa, uint64_t size, VmFlags flags) {
  auto* aspace = static_cast<ArchAddressSpace*>(context);
  uint64_t end = 0;
  VERIFY(!__builtin_add_overflow(va, size, &end) && pa % PAGE_SIZE == 0);
  check_range(va, end);
  for (uint64_t offset = 0; offset < size; offset += PAGE_SIZE) {
    Result<uint64_t*> table = leaf_table(aspace, va + offset);
    if (table.is_error()) {
      mmu_unmap(context, va, va + offset);
      return table.error();
    }
    uint64_t& entry = table.value()[table_index(va + offset, LEAF_LEVEL)];
    VERIFY(!leaf_present(entry));
    if (flags & VM_EXEC) sync_icache(pa + offset);
    if (flags & VM_MTE) mte_sync_page(pa + offset);
    entry = user_leaf_descriptor(pa + offset, flags);
  }
  // An invalid entry is in no TLB: ordering the stores before later accesses is enough.
  dsb_ish();
  isb();
  return {};
}

// Makes the present leaf `entry` of va map pa with flags. A valid entry is broken before it is
// made again (Arm ARM, "Translation table entry updates": break-before-make), so no TLB can hold
// the old and the new translation at once.
void rewrite_leaf(const ArchAddressSpace* aspace, uint64_t va, uint64_t& entry, uint64_t pa,
                  VmFlags flags) {
  const uint64_t updated = user_leaf_descriptor(pa, flags);
  if (updated == entry) return;
  if (entry & DESC_VALID) {
    entry = 0;
    dsb_ishst();
    flush_page(aspace->asid, va);
    dsb_ish();
  }
  if (flags & VM_EXEC) sync_icache(pa);
  if (flags & VM_MTE) mte_sync_page(pa);
  entry = updated;
}

void mmu_protect(void* context, uint64_t start, uint64_t end, VmFlags flags) {
  auto* aspace = static_cast<ArchAddressSpace*>(context);
  check_range(start, end);
  for_each_leaf(table_at(aspace->root), user_root_level(), 0, start, end,
                [&](uint64_t va, uint64_t& entry) {
                  rewrite_leaf(aspace, va, entry, entry & DESC_ADDRESS_MASK, flags);
                  return true;
                });
  dsb_ish();
  isb();
}

// The level-3 entry of va, nullptr when a table on the way is missing.
uint64_t* existing_leaf(const ArchAddressSpace* aspace, uint64_t va) {
  uint64_t* table = table_at(aspace->root);
  for (int level = user_root_level(); level < LEAF_LEVEL; level++) {
    const uint64_t entry = table[table_index(va, level)];
    if ((entry & DESC_VALID) == 0) return nullptr;
    table = child_table(entry);
  }
  return &table[table_index(va, LEAF_LEVEL)];
}

void mmu_remap(void* context, uint64_t va, uint64_t pa, VmFlags flags) {
  auto* aspace = static_cast<ArchAddressSpace*>(context);
  check_range(va, va + PAGE_SIZE);
  VERIFY(pa % PAGE_SIZE == 0);
  uint64_t* entry = existing_leaf(aspace, va);
  VERIFY(entry != nullptr && leaf_present(*entry));
  rewrite_leaf(aspace, va, *entry, pa, flags);
  dsb_ish();
  isb();
}

void mmu_walk(void* context, uint64_t start, uint64_t end, MmuVisitFn visit, void* cookie) {
  auto* aspace = static_cast<ArchAddressSpace*>(context);
  check_range(start, end);
  for_each_leaf(table_at(aspace->root), user_root_level(), 0, start, end,
                [&](uint64_t va, uint64_t& entry) {
                  return visit(cookie, va, entry & DESC_ADDRESS_MASK, leaf_access(entry));
                });
}

}  // namespace

uint64_t user_leaf_descriptor(uint64_t pa, VmFlags flags) {
  if ((flags & VM_ACCESS_FLAGS) == 0) return pa | DESC_SW_PROT_NONE;
  uint64_t descriptor =
      pa | DESC_PAGE | DESC_AF | DESC_NG | shareability() | DESC_AP_EL0 | DESC_PXN;
  descriptor |= desc_attr_index((flags & VM_MTE) != 0 ? MAIR_INDEX_TAGGED : MAIR_INDEX_NORMAL);
  if ((flags & VM_WRITE) == 0) descriptor |= DESC_AP_READ_ONLY;
  if ((flags & VM_EXEC) == 0) descriptor |= DESC_UXN;
  if ((flags & VM_ARM64_BTI) != 0) descriptor |= DESC_GP;
  return descriptor;
}

MmuAccess leaf_access(uint64_t descriptor) {
  // A present PROT_NONE leaf is invalid to the walker: a user page nothing may access.
  if ((descriptor & DESC_VALID) == 0) return MmuAccess{VM_NONE, true};
  // Stage 1 permissions (Arm ARM, "Access permissions for instruction and data access"): AP[1]
  // gives EL0 the access EL1 has (read, and write unless AP[2]); UXN and PXN forbid execution at
  // EL0 and EL1. A privileged entry reports what EL1 may do with it.
  const bool user = (descriptor & DESC_AP_EL0) != 0;
  VmFlags flags = VM_READ;
  if ((descriptor & DESC_AP_READ_ONLY) == 0) flags |= VM_WRITE;
  if ((descriptor & (user ? DESC_UXN : DESC_PXN)) == 0) flags |= VM_EXEC;
  if ((descriptor & DESC_ATTR_INDEX_MASK) == desc_attr_index(MAIR_INDEX_TAGGED)) flags |= VM_MTE;
  if ((descriptor & DESC_GP) != 0) flags |= VM_ARM64_BTI;
  return MmuAccess{flags, user};
}

uint64_t user_va_limit() { return uint64_t{1} << (lpa2() ? 52 : 48); }

int user_root_level() { return lpa2() ? -1 : 0; }

uint64_t aspace_root_entry(const ArchAddressSpace* aspace, uint64_t va) {
  return table_at(aspace->root)[table_index(va, user_root_level())];
}

uint64_t aspace_leaf(const ArchAddressSpace* aspace, uint64_t va) {
  const uint64_t* entry = existing_leaf(aspace, va);
  return entry != nullptr ? *entry : 0;
}

unsigned address_space_limit() {
  const bool wide = field(ARM64_READ_SYSREG(id_aa64mmfr0_el1), 4, 4) == ASID_BITS_16;
  return wide || MAX_ADDRESS_SPACES <= 256 ? MAX_ADDRESS_SPACES : 256;
}

}  // namespace arm64

Result<ArchAddressSpace*> arch_aspace_create() {
  using namespace arm64;
  const unsigned limit = address_space_limit();
  for (unsigned asid = 1; asid < limit; asid++) {
    ArchAddressSpace& aspace = g_spaces[asid];
    if (aspace.root != 0) continue;
    aspace.root = TRY(alloc_table());
    aspace.asid = static_cast<uint16_t>(asid);
    return &aspace;
  }
  return Error::NoMemory;
}

void arch_aspace_destroy(ArchAddressSpace* aspace) {
  using namespace arm64;
  VERIFY(aspace != nullptr && aspace->root != 0);
  VERIFY(ARM64_READ_SYSREG(ttbr0_el1) >> TTBR_ASID_SHIFT != aspace->asid);
  free_tables(table_at(aspace->root), user_root_level());
  physical_pages().free(aspace->root, 1);
  // TLBI ASIDE1IS (Arm ARM, "TLBI ASIDE1IS"): every translation tagged with the ASID, so the
  // next address space that gets it starts clean.
  asm volatile("tlbi aside1is, %0\n\tdsb ish" ::"r"(uint64_t{aspace->asid} << TTBR_ASID_SHIFT)
               : "memory");
  isb();
  aspace->root = 0;
}

void arch_aspace_activate(ArchAddressSpace* aspace) {
  using namespace arm64;
  // Only what changes is written: QEMU drops its whole TLB on a TCR_EL1 write and on a TTBR0_EL1
  // write that changes the ASID, which would otherwise be paid on every system call.
  const uint64_t tcr = ARM64_READ_SYSREG(tcr_el1);
  const uint64_t ttbr =
      aspace == nullptr ? 0 : aspace->root | (uint64_t{aspace->asid} << TTBR_ASID_SHIFT);
  const uint64_t new_tcr = aspace == nullptr ? tcr | TCR_EPD0 : tcr & ~TCR_EPD0;
  if (ARM64_READ_SYSREG(ttbr0_el1) == ttbr && tcr == new_tcr) return;
  // Walks of TTBR0 stop (EPD0) before its table goes, and start only once the new one is in.
  if (aspace == nullptr) {
    if (new_tcr != tcr) ARM64_WRITE_SYSREG(tcr_el1, new_tcr);
    ARM64_WRITE_SYSREG(ttbr0_el1, 0);
  } else {
    ARM64_WRITE_SYSREG(ttbr0_el1, ttbr);
    if (new_tcr != tcr) ARM64_WRITE_SYSREG(tcr_el1, new_tcr);
  }
  isb();
}

uint64_t arch_user_task_size() { return arm64::user_va_limit(); }

MmuOps arch_aspace_mmu_ops(ArchAddressSpace* aspace) {
  using namespace arm64;
  return MmuOps{mmu_map, mmu_unmap, mmu_protect, mmu_remap, mmu_walk, aspace};
}
