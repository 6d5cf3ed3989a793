// The boot-time identity map, deliberately coarse: one level-1 table of 1 GiB blocks
// (4 KiB granule, 39-bit VA, TTBR0 only, VA == PA). The first GiB (QEMU virt's devices: PL011,
// GIC, flash) is Device-nGnRnE and execute-never; the GiBs holding RAM are Normal write-back, so
// unaligned accesses and exclusives behave as ordinary C++ expects. Everything else is unmapped
// and faults. The full MMU (pages, permissions, MTE tagged memory) replaces this later.
#pragma once

#include <stdint.h>

#include "kernel/lib/result.h"

namespace arm64 {

constexpr uint64_t BOOT_MAP_BLOCK = uint64_t{1} << 30;
constexpr uint64_t BOOT_MAP_LIMIT = uint64_t{1} << 39;

// MAIR_EL1 attribute indices used by the map (Arm ARM, register MAIR_EL1, and
// "Memory region attributes"): 0x00 Device-nGnRnE, 0xff Normal inner/outer write-back
// read/write-allocate, 0xf0 Normal Tagged (MTE).
constexpr unsigned MAIR_INDEX_DEVICE = 0;
constexpr unsigned MAIR_INDEX_NORMAL = 1;
constexpr unsigned MAIR_INDEX_TAGGED = 2;

// Runs with the MMU off, before anything else in C++: maps the devices, the GiBs holding the
// kernel image and the device tree blob (up to its 2 MiB maximum), then turns on the MMU and
// the caches.
void mmu_enable_boot_map(uint64_t kernel_start, uint64_t kernel_end, uint64_t dtb_address);

// Maps [base, base + size) as Normal memory, whole GiBs. Error::Range when it would reach past
// the 39-bit map or into the device GiB.
Result<void> mmu_map_ram(uint64_t base, uint64_t size);

}  // namespace arm64
