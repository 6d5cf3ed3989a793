// What arm64 boot found out, kept for the arch tests: the device tree blob itself lies in RAM
// the page allocator hands out later, so nothing reads it after kernel_main starts.
#pragma once

#include <stdint.h>

#include "arch/arm64/psci.h"

namespace arm64 {

struct BootFacts {
  unsigned entry_el;            // exception level the boot loader entered us at (1 or 2)
  uint64_t dtb_address;         // physical address of the device tree blob (x0 at entry)
  uint32_t dtb_size;            // its totalsize
  uint64_t timer_dt_frequency;  // /timer clock-frequency, 0 when absent
  PsciConduit psci;
};

const BootFacts& boot_facts();

}  // namespace arm64
