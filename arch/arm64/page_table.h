// arm64 user address spaces (kernel/arch/mmu.h): one TTBR0_EL1 table tree per address space with
// an ASID of its own, 4 KiB granule: 52-bit VAs with FEAT_LPA2, five levels whose walks start at
// level -1 (16 entries used), else 48-bit VAs and four levels from level 0 (mmu_lpa2,
// mmu_boot.h). TASK_SIZE is where the VAs end (arch_user_task_size).
//
// Leaves (Arm ARM, "Translation table descriptor formats"): AP grants EL0 read, or read/write
// with VM_WRITE; UXN unless VM_EXEC; PXN always (the kernel never executes user pages); AF set
// (no access-flag faults), nG (the TLB keeps them per ASID), inner shareable (mmu_shareability:
// in the descriptor, or from TCR_EL1 with FEAT_LPA2), Normal or, with
// VM_MTE, Normal Tagged memory. An access-less (PROT_NONE) page keeps its address in an invalid
// descriptor marked by a software bit, as Linux's PTE_PROT_NONE does, so the hardware faults on it
// while walk() still reports it present.
//
// Every change of a live entry is break-before-make, and every removed or changed translation is
// flushed exactly: TLBI VAE1IS with the ASID and the page, then DSB ISH and ISB (Arm ARM, "TLB
// maintenance requirements" and "Using break-before-make when updating translation table
// entries"). Executable pages are made coherent for instruction fetch (DC CVAU, IC IVAU) through
// the kernel's linear map before they are mapped. A table left empty by unmap is freed.
//
// ASIDs: 0 is what TTBR0 holds while no address space is active and is never handed out; the
// others go to at most MAX_ADDRESS_SPACES - 1 live address spaces (fewer when the CPU has 8-bit
// ASIDs, ID_AA64MMFR0_EL1.ASIDBits), and come back, flushed by TLBI ASIDE1IS, on destroy.
#pragma once

#include <stdint.h>

#include "kernel/arch/mmu.h"

struct ArchAddressSpace {
  uint64_t root;  // physical address of the top table (level -1 or 0); 0 for a free slot
  uint16_t asid;
};

namespace arm64 {

constexpr unsigned MAX_ADDRESS_SPACES = 1024;

// The end of the user VAs: 2^52 with FEAT_LPA2, else 2^48.
uint64_t user_va_limit();

// The level user walks start at: -1 with 52-bit VAs, else 0.
int user_root_level();

// Descriptor bits [58:55] are ignored by the hardware and left to software.
constexpr uint64_t DESC_SW_PROT_NONE = uint64_t{1} << 58;

// The leaf descriptor for a page at `pa` with `flags`.
uint64_t user_leaf_descriptor(uint64_t pa, VmFlags flags);

// What a level-3 descriptor of user_leaf_descriptor's making grants (MmuOps::walk's report).
MmuAccess leaf_access(uint64_t descriptor);

// The level-3 descriptor that maps `va` in `aspace`, 0 when no table reaches it. For tests.
uint64_t aspace_leaf(const ArchAddressSpace* aspace, uint64_t va);

// The entry of the root table of `aspace` that covers `va`. For tests.
uint64_t aspace_root_entry(const ArchAddressSpace* aspace, uint64_t va);

// How many address spaces can be live at once on this CPU.
unsigned address_space_limit();

}  // namespace arm64
