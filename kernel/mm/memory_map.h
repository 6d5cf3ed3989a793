// The physical memory map: the pure range arithmetic between what the firmware reports (RAM
// ranges, reserved ranges; kernel/arch/boot.h) and what the page allocator manages.
//
// Input may be anything a broken or hostile device tree says: ranges unsorted, overlapping,
// adjacent, empty or not page aligned. Output ranges are sorted, disjoint, non-adjacent (RAM) or
// disjoint (usable), non-empty and page aligned:
//   - RAM ranges are merged where they overlap or touch, then shrunk inward to whole pages;
//   - reserved ranges are widened outward to whole pages and cut out of the RAM.
// No allocation, no I/O: the same file is built into the kernels and host-tests.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/arch/boot.h"
#include "kernel/lib/result.h"

// Enough for the boot contract's tables: each reserved range splits at most one piece in two.
inline constexpr size_t MEMORY_MAP_CAPACITY = BOOT_MAX_RAM_RANGES + BOOT_MAX_RESERVED_RANGES;

struct MemoryMap {
  PhysicalRange ranges[MEMORY_MAP_CAPACITY];
  size_t count;
};

// RAM sorted, merged and page aligned inward; empty ranges are dropped. Error::Range when a
// range wraps past the top of the address space (base + size > 2^64), Error::NoSpace when more
// than MEMORY_MAP_CAPACITY ranges are given.
Result<void> ram_map(const PhysicalRange* ram, size_t ram_count, MemoryMap* out);

// ram_map(ram) minus every reserved range. A reserved range that wraps reaches to the end of
// the address space (the safe reading of a bad reservation); an empty one reserves nothing.
// The errors of ram_map, and Error::NoSpace when the pieces would exceed MEMORY_MAP_CAPACITY.
Result<void> usable_map(const PhysicalRange* ram, size_t ram_count, const ReservedRange* reserved,
                        size_t reserved_count, MemoryMap* out);

// `from` minus `holes`, exact to the byte (no page rounding): what Open Firmware's "available"
// property says is claimed inside a memory node's "reg". `from` is merged like RAM (sorted,
// overlaps joined), empty ranges are dropped. Error::Range when a range of either wraps,
// Error::NoSpace past MEMORY_MAP_CAPACITY ranges.
Result<void> subtract_ranges(const PhysicalRange* from, size_t from_count,
                             const PhysicalRange* holes, size_t hole_count, MemoryMap* out);

// Sum of the map's range sizes.
uint64_t map_bytes(const MemoryMap& map);
// Whether [base, base + size) lies entirely inside one range of the map (false for size 0 or a
// range that wraps).
bool map_contains(const MemoryMap& map, uint64_t base, uint64_t size);
