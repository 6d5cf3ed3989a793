// MMU contract: the page tables of one user address space, behind the neutral MmuOps. Each arch
// implements it over its real MMU (arm64: a TTBR0_EL1 table with an ASID; powerpc: a radix tree
// with a PID in the process table). Page-table pages come from the physical page allocator and
// all go back when the address space is destroyed.
#pragma once

#include <stdint.h>

#include "kernel/lib/result.h"
#include "kernel/mm/mmu_ops.h"

// Opaque to neutral code: the root table, the ASID or PID, and what the arch needs to flush.
struct ArchAddressSpace;

// Empty user page tables with an ASID/PID of their own. Error::NoMemory when no page-table page
// or no ASID/PID is left.
Result<ArchAddressSpace*> arch_aspace_create();

// Frees every page-table page and the ASID/PID, and leaves no translation of it in the TLB. It
// must not be active; the pages it mapped belong to their owner and are not freed.
void arch_aspace_destroy(ArchAddressSpace* aspace);

// Makes `aspace` the user half of the current translation regime (arm64 TTBR0_EL1, powerpc
// PIDR), or none when nullptr: every user access then faults. Activating the one already active
// changes nothing and costs no TLB flush.
void arch_aspace_activate(ArchAddressSpace* aspace);

// The operations that change `aspace` (see kernel/mm/mmu_ops.h). A map with VM_EXEC makes the
// new translations coherent for instruction fetch; unmap and protect flush exactly the affected
// translations of this ASID/PID.
MmuOps arch_aspace_mmu_ops(ArchAddressSpace* aspace);

// TASK_SIZE for the programs of the running kernel: the end of the user addresses its MMU
// translates, as Linux sizes it for this CPU (arm64: 2^52 with FEAT_LPA2, 2^48 without; powerpc:
// 64 TiB with 4 KiB pages). At least the arch's default mmap window, the TASK_SIZE of its
// ElfTarget.
uint64_t arch_user_task_size();

// A kernel pointer to the RAM at physical address `pa`.
void* arch_phys_to_virt(uint64_t pa);
