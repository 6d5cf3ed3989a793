// Boot contract: what each arch's early boot code learns and passes to the neutral kernel.
#pragma once

#include <stdint.h>

struct BootInfo {
  const char* arch_name;  // "arm64" or "powerpc"
  uint64_t mem_base;      // first byte of RAM (physical)
  uint64_t mem_size;      // bytes of RAM as the firmware / device tree reports it
  uint64_t kernel_start;  // physical range occupied by the loaded kernel image and its BSS
  uint64_t kernel_end;
  const char* cmdline;  // kernel command line ("" when none), NUL-terminated
};

// The neutral kernel (kernel/main.cc): runs constructors, sets up the page allocator, runs the
// selected test suites and powers off with the verdict. Called once, with a valid stack, BSS
// cleared, traps installed, MMU in the arch's choice of state.
[[noreturn]] void kernel_main(const BootInfo& info);
