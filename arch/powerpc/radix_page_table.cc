#include "arch/powerpc/radix_page_table.h"

#include "arch/powerpc/cache.h"
#include "arch/powerpc/radix.h"
#include "kernel/lib/big_endian.h"
#include "kernel/lib/kstd.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/string.h"
#include "kernel/mm/physical_pages.h"
#include "kernel/proc/elf_image.h"

struct ArchAddressSpace {
  uint64_t root;  // physical address of the 64 KiB root; 0 while the slot is free
  uint32_t pid;
};

namespace {

constexpr unsigned LEVELS = 4;
constexpr unsigned LEAF_LEVEL = LEVELS - 1;
constexpr unsigned INDEX_BITS[LEVELS] = {13, 9, 9, 9};
constexpr unsigned SHIFT[LEVELS] = {39, 30, 21, 12};
constexpr uint64_t ROOT_BYTES = radix::ROOT_BYTES;
constexpr uint64_t ROOT_PAGES = ROOT_BYTES / PAGE_SIZE;
static_assert(INDEX_BITS[0] == radix::ROOT_INDEX_BITS && SHIFT[0] + INDEX_BITS[0] == 52);

// Non-leaf entry (Book III, "Radix Tree Page Directory Entry"): V, the next table's real address
// (NLB, bits 4:55 MSB-0) and NLS = log2 of its entry count. Every table below the root has 2^9.
constexpr uint64_t PDE_NLB_MASK = 0x0fff'ffff'ffff'ff00;
constexpr uint64_t PDE_NLS = 9;

// One address space per PID, so the slot of a PID needs no allocation of its own.
ArchAddressSpace g_spaces[radix::PID_COUNT];

// Every entry is big-endian in memory, as the MMU reads it.
be64* table_at(uint64_t pa) { return static_cast<be64*>(arch_phys_to_virt(pa)); }

unsigned index_of(uint64_t va, unsigned level) {
  return (va >> SHIFT[level]) & ((1u << INDEX_BITS[level]) - 1);
}

bool user_range(uint64_t start, uint64_t end) {
  return start <= end && end <= RADIX_USER_END && start % PAGE_SIZE == 0 && end % PAGE_SIZE == 0;
}

// Linux's protection map gives a writable page read access too (there is no write-only page);
// execute-only is kept. Referenced and Changed are set up front: the MMU would otherwise fault or
// update them on first use. No PRIVILEGED bit: these are problem-state pages.
uint64_t access_bits(VmFlags flags) {
  uint64_t bits = 0;
  if (flags & (VM_READ | VM_WRITE)) bits |= radix_pte::READ;
  if (flags & VM_WRITE) bits |= radix_pte::WRITE;
  if (flags & VM_EXEC) bits |= radix_pte::EXECUTE;
  return bits;
}
constexpr uint64_t ACCESS_MASK = radix_pte::READ | radix_pte::WRITE | radix_pte::EXECUTE;

// The leaf slot of `va`, making the tables on the way when `create`; nullptr when a table is
// missing (and not created) or a page for one could not be had.
be64* leaf_slot(const ArchAddressSpace* aspace, uint64_t va, bool create) {
  be64* table = table_at(aspace->root);
  for (unsigned level = 0; level < LEAF_LEVEL; ++level) {
    be64& entry = table[index_of(va, level)];
    if (!(entry.load() & radix_pte::VALID)) {
      if (!create) return nullptr;
      Result<uint64_t> page = physical_pages().alloc(1);
      if (page.is_error()) return nullptr;
      klib::mem_set(table_at(page.value()), 0, PAGE_SIZE);
      entry.store(radix_pte::VALID | page.value() | PDE_NLS);
    }
    table = table_at(entry.load() & PDE_NLB_MASK);
  }
  return &table[index_of(va, LEAF_LEVEL)];
}

// Calls fn(slot, va) for each valid leaf in [start, end) in address order, skipping missing
// tables whole; stops when fn returns false.
template <typename F>
bool for_each_leaf(be64* table, unsigned level, uint64_t table_va, uint64_t start, uint64_t end,
                   F& fn) {
  const uint64_t span = uint64_t{1} << SHIFT[level];
  const unsigned first = start > table_va ? (start - table_va) >> SHIFT[level] : 0;
  for (unsigned i = first; i < (1u << INDEX_BITS[level]); ++i) {
    const uint64_t va = table_va + i * span;
    if (va >= end) break;
    const uint64_t entry = table[i].load();
    if (!(entry & radix_pte::VALID)) continue;
    if (level == LEAF_LEVEL) {
      if (!fn(&table[i], va)) return false;
    } else if (!for_each_leaf(table_at(entry & PDE_NLB_MASK), level + 1, va, kstd::max(start, va),
                              end, fn)) {
      return false;
    }
  }
  return true;
}

template <typename F>
void for_each_leaf(const ArchAddressSpace* aspace, uint64_t start, uint64_t end, F fn) {
  VERIFY(user_range(start, end));
  if (start < end) for_each_leaf(table_at(aspace->root), 0, 0, start, end, fn);
}

void free_tables(be64* table, unsigned level) {
  for (unsigned i = 0; i < (1u << INDEX_BITS[level]); ++i) {
    const uint64_t entry = table[i].load();
    if (!(entry & radix_pte::VALID)) continue;
    const uint64_t child = entry & PDE_NLB_MASK;
    if (level + 1 < LEAF_LEVEL) free_tables(table_at(child), level + 1);
    physical_pages().free(child, 1);
  }
}

void unmap_range(void* context, uint64_t start, uint64_t end) {
  auto* aspace = static_cast<ArchAddressSpace*>(context);
  for_each_leaf(aspace, start, end, [aspace](be64* slot, uint64_t va) {
    slot->store(0);
    radix::flush_page(aspace->pid, va);
    return true;
  });
}

Result<void> map_range(void* context, uint64_t va, uint64_t pa, uint64_t size, VmFlags flags) {
  auto* aspace = static_cast<ArchAddressSpace*>(context);
  uint64_t end = 0;
  VERIFY(kstd::checked_add(va, size, &end) && user_range(va, end) && pa % PAGE_SIZE == 0);
  const uint64_t bits = radix_pte::VALID | radix_pte::LEAF | radix_pte::REFERENCED |
                        radix_pte::CHANGED | access_bits(flags);
  for (uint64_t offset = 0; offset < size; offset += PAGE_SIZE) {
    be64* slot = leaf_slot(aspace, va + offset, true);
    if (slot == nullptr) {
      unmap_range(aspace, va, va + offset);
      return Error::NoMemory;
    }
    VERIFY(!(slot->load() & radix_pte::VALID));
    slot->store(bits | ((pa + offset) & radix_pte::RPN_MASK));
  }
  // The table walk must see the new entries before the next translated access (Book III,
  // "Translation Table Update Synchronization"). No invalidation: nothing was cached for them.
  asm volatile("ptesync" ::: "memory");
  if (flags & VM_EXEC) cache::sync_icache(arch_phys_to_virt(pa), size);
  return {};
}

void protect_range(void* context, uint64_t start, uint64_t end, VmFlags flags) {
  auto* aspace = static_cast<ArchAddressSpace*>(context);
  const uint64_t access = access_bits(flags);
  for_each_leaf(aspace, start, end, [aspace, access](be64* slot, uint64_t va) {
    const uint64_t old = slot->load();
    slot->store((old & ~ACCESS_MASK) | access);
    radix::flush_page(aspace->pid, va);
    if ((access & radix_pte::EXECUTE) && !(old & radix_pte::EXECUTE)) {
      cache::sync_icache(arch_phys_to_virt(old & radix_pte::RPN_MASK), PAGE_SIZE);
    }
    return true;
  });
}

// Book III, "Translation Table Update Synchronization": the old entry is invalidated and its
// translation flushed before the new one is stored, so no TLB holds both.
void remap_page(void* context, uint64_t va, uint64_t pa, VmFlags flags) {
  auto* aspace = static_cast<ArchAddressSpace*>(context);
  VERIFY(user_range(va, va + PAGE_SIZE) && pa % PAGE_SIZE == 0);
  be64* slot = leaf_slot(aspace, va, false);
  VERIFY(slot != nullptr && (slot->load() & radix_pte::VALID));
  slot->store(0);
  radix::flush_page(aspace->pid, va);
  slot->store(radix_pte::VALID | radix_pte::LEAF | radix_pte::REFERENCED | radix_pte::CHANGED |
              access_bits(flags) | (pa & radix_pte::RPN_MASK));
  asm volatile("ptesync" ::: "memory");
  if (flags & VM_EXEC) cache::sync_icache(arch_phys_to_virt(pa), PAGE_SIZE);
}

void walk_range(void* context, uint64_t start, uint64_t end, MmuVisitFn visit, void* cookie) {
  const auto* aspace = static_cast<const ArchAddressSpace*>(context);
  for_each_leaf(aspace, start, end, [visit, cookie](be64* slot, uint64_t va) {
    const uint64_t pte = slot->load();
    return visit(cookie, va, pte & radix_pte::RPN_MASK, radix_leaf_access(pte));
  });
}

}  // namespace

Result<ArchAddressSpace*> arch_aspace_create() {
  const uint32_t pid = TRY(radix::alloc_pid());
  Result<uint64_t> root = physical_pages().alloc(ROOT_PAGES, ROOT_BYTES);
  if (root.is_error()) {
    radix::free_pid(pid);
    return root.error();
  }
  klib::mem_set(table_at(root.value()), 0, ROOT_BYTES);
  ArchAddressSpace* aspace = &g_spaces[pid];
  aspace->root = root.value();
  aspace->pid = pid;
  radix::set_process_table_entry(pid, aspace->root);
  return aspace;
}

void arch_aspace_destroy(ArchAddressSpace* aspace) {
  VERIFY(aspace->root != 0);
  VERIFY(radix::current_pid() != aspace->pid);
  // Entry first, with every cached translation and walk of the PID, then the tables.
  radix::set_process_table_entry(aspace->pid, 0);
  free_tables(table_at(aspace->root), 0);
  physical_pages().free(aspace->root, ROOT_PAGES);
  aspace->root = 0;
  radix::free_pid(aspace->pid);
}

void arch_aspace_activate(ArchAddressSpace* aspace) {
  // QEMU drops its whole TLB on every PIDR write, so an unchanged PID is not written again.
  const uint32_t pid = aspace == nullptr ? radix::NO_USER_PID : aspace->pid;
  if (radix::current_pid() != pid) radix::set_current_pid(pid);
}

MmuOps arch_aspace_mmu_ops(ArchAddressSpace* aspace) {
  MmuOps ops;
  ops.map = map_range;
  ops.unmap = unmap_range;
  ops.protect = protect_range;
  ops.remap = remap_page;
  ops.walk = walk_range;
  ops.context = aspace;
  return ops;
}

// The kernel runs in real mode (see arch/powerpc/radix.h): a physical address is its own pointer.
void* arch_phys_to_virt(uint64_t pa) { return reinterpret_cast<void*>(pa); }

// TASK_SIZE_USER64 is the default map window with 4 KiB pages: there is nothing above it.
uint64_t arch_user_task_size() { return ELF_TARGET_PPC64.task_size; }

// Book III, "Radix Tree Page Table Entry" and "Storage Protection": the EAA bits grant read,
// write and execute; with the privileged bit set problem state has no access.
MmuAccess radix_leaf_access(uint64_t pte) {
  VmFlags flags = VM_NONE;
  if (pte & radix_pte::READ) flags |= VM_READ;
  if (pte & radix_pte::WRITE) flags |= VM_WRITE;
  if (pte & radix_pte::EXECUTE) flags |= VM_EXEC;
  return MmuAccess{flags, (pte & radix_pte::PRIVILEGED) == 0};
}

uint64_t radix_leaf_pte(const ArchAddressSpace* aspace, uint64_t va) {
  const be64* slot = leaf_slot(aspace, va, false);
  return slot == nullptr ? 0 : slot->load();
}

uint32_t radix_pid(const ArchAddressSpace* aspace) { return aspace->pid; }
