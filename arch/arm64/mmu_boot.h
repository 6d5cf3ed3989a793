// The kernel's own translation tables: the upper half (TTBR1_EL1) maps the devices of the first
// GiB and RAM at PA + KERNEL_VA_OFFSET (arch/arm64/kernel_map.h), 4 KiB granule, 48-bit VAs
// (the user half has 52 with FEAT_LPA2, see mmu_lpa2). The kernel image is mapped with 4 KiB pages,
// W^X: text read-only and executable, rodata read-only, data, BSS and stacks read-write, the guard
// page below the kernel stack unmapped; the rest of the kernel's GiB uses 2 MiB blocks and other
// RAM 1 GiB blocks, all read-write and never executable. Devices are Device-nGnRnE, execute-never.
// Nothing is accessible from EL0.
//
// Boot: head.S calls mmu_enable_early with the MMU off, running at the physical address; it
// builds the tables and turns the MMU on with the same tables in TTBR0 too, so the code keeps
// running at its physical address until head.S jumps to the upper half. There boot calls
// mmu_leave_identity_map, after which TTBR0 holds no translation until a user address space is
// activated, and TTBR0's VA size is the user one.
#pragma once

#include <stdint.h>

#include "kernel/lib/result.h"

namespace arm64 {

// The RAM the map can cover: the GiBs above the device GiB, up to 512 GiB (one level-1 table).
constexpr uint64_t RAM_MAP_BLOCK = uint64_t{1} << 30;
constexpr uint64_t RAM_MAP_LIMIT = uint64_t{512} << 30;

// FEAT_LPA2 with the 4 KiB granule (ID_AA64MMFR0_EL1.TGran4 [31:28] = 1; Arm ARM, register
// ID_AA64MMFR0_EL1). Where the CPU has it the kernel sets TCR_EL1.DS and gives user address
// spaces 52-bit VAs, TCR_EL1.T0SZ = 12 with walks from level -1, as Linux does (vabits_actual =
// 52); the kernel's own upper half stays 48 bits wide (T1SZ = 16), which its map needs no more
// than. Without it both halves are 48 bits wide.
bool mmu_lpa2();

// The SH field for a descriptor: inner shareable, or 0 with TCR_EL1.DS, where those bits are
// address bits and TCR_EL1 says inner shareable for both halves.
uint64_t mmu_shareability();

// TCR_EL1 fields the user page tables change (Arm ARM, register TCR_EL1): EPD0 (bit 7) stops
// walks of TTBR0_EL1, so that with no user address space every lower-half access faults.
constexpr uint64_t TCR_EPD0 = uint64_t{1} << 7;

// Leaves the identity map: no TTBR0 walks, ASID 0 (which no address space gets), TTBR0's VA size
// the user one (52 bits with FEAT_LPA2; the identity map walks from level 0, so it had 48), and
// every translation of the identity map, global like the kernel's, out of the TLB.
void mmu_leave_identity_map();

// Maps [base, base + size) (physical) as Normal read-write RAM in whole GiBs.
// Error::Range for an empty or wrapping range, or one that reaches the device GiB or 512 GiB.
Result<void> mmu_map_ram(uint64_t base, uint64_t size);

}  // namespace arm64

// Runs at the physical address with the MMU off, on a physical stack, BSS clear: builds the map,
// then turns the MMU and caches on with TTBR0 = TTBR1. Returns nullptr, or (MMU still off) the
// physical address of a console line saying why not.
extern "C" const char* arm64_mmu_enable_early(uint64_t dtb_address);
