// One user address space's radix tree (Power ISA v3.0B Book III, "Radix Tree Translation"),
// behind the neutral contract of kernel/arch/mmu.h. Linux's 4 KiB-page geometry: a 52-bit
// address space split 13/9/9/9 above the page offset, a 64 KiB root and 4 KiB tables below it,
// each aligned to its size, all from the physical page allocator. Entries are big-endian in
// memory by architecture, in either kernel byte order (kernel/lib/big_endian.h).
//
//   EA bits (LSB 0):  51 ... 39 | 38 ... 30 | 29 ... 21 | 20 ... 12 | 11 ... 0
//                     root (13)   level 1     level 2     leaf PTEs   page offset
//
// Only 4 KiB leaves are made. Tables stay until the address space is destroyed, as Linux keeps
// them until free_pgtables(); unmap only clears leaves.
#pragma once

#include <stdint.h>

#include "kernel/arch/mmu.h"

// Leaf PTE bits (Book III, "Radix Tree Page Table Entry"; Linux's
// arch/powerpc/include/asm/book3s/64/pgtable.h names them the same way).
namespace radix_pte {
inline constexpr uint64_t VALID = uint64_t{1} << 63;
inline constexpr uint64_t LEAF = uint64_t{1} << 62;
inline constexpr uint64_t RPN_MASK = 0x01ff'ffff'ffff'f000;  // bits 7:51, MSB-0
inline constexpr uint64_t REFERENCED = 0x100;                // R
inline constexpr uint64_t CHANGED = 0x80;                    // C
inline constexpr uint64_t PRIVILEGED = 0x8;                  // EAA: no problem-state access
inline constexpr uint64_t READ = 0x4;                        // EAA read, write, execute
inline constexpr uint64_t WRITE = 0x2;
inline constexpr uint64_t EXECUTE = 0x1;
}  // namespace radix_pte

// The first address above the user half: a 52-bit quadrant 0.
inline constexpr uint64_t RADIX_USER_END = uint64_t{1} << 52;

// What a valid leaf PTE grants (MmuOps::walk's report).
MmuAccess radix_leaf_access(uint64_t pte);
// The raw leaf PTE of `va`, or 0 when no table holds one. For tests.
uint64_t radix_leaf_pte(const ArchAddressSpace* aspace, uint64_t va);
// The PID the address space translates under.
uint32_t radix_pid(const ArchAddressSpace* aspace);
