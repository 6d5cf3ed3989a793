// Boot contract: what each arch's early boot code learns and passes to the neutral kernel.
//
// Memory is described as the firmware reports it: every RAM range (in the firmware's order,
// possibly unsorted, overlapping or empty: kernel/mm/memory_map.h cleans it up) and every range
// inside RAM that must never be handed out (the kernel image, the device tree, the initrd, the
// firmware's reservations). Ranges are [base, base + size).
#pragma once

#include <stddef.h>
#include <stdint.h>

struct PhysicalRange {
  uint64_t base;
  uint64_t size;
};

// A range the page allocator must leave alone, and who owns it (a static string, for the log).
struct ReservedRange {
  PhysicalRange range;
  const char* owner;
};

inline constexpr size_t BOOT_MAX_RAM_RANGES = 32;
inline constexpr size_t BOOT_MAX_RESERVED_RANGES = 32;

struct BootInfo {
  const char* arch_name;  // "arm64", "powerpc" or "powerpc64le"
  PhysicalRange ram[BOOT_MAX_RAM_RANGES];
  size_t ram_count;
  ReservedRange reserved[BOOT_MAX_RESERVED_RANGES];
  size_t reserved_count;
  // The kernel image and its BSS as linked (physical; the kernels run where they are linked).
  uint64_t kernel_start;
  uint64_t kernel_end;
  // Where the firmware says it loaded the image (powerpc: the range Open Firmware claimed for
  // it); size 0 when the firmware does not say.
  PhysicalRange loaded_image;
  // The initial RAM disk from /chosen linux,initrd-start/-end; size 0 when there is none. Also
  // listed in `reserved`.
  PhysicalRange initrd;
  const char* cmdline;  // kernel command line ("" when none), NUL-terminated
};

// The neutral kernel (kernel/main.cc): runs constructors, sets up the page allocator, runs the
// selected test suites and powers off with the verdict. Called once, with a valid stack, BSS
// cleared, traps installed, MMU in the arch's choice of state, every RAM range accessible.
[[noreturn]] void kernel_main(const BootInfo& info);
