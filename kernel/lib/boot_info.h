// The BootInfo the arch handed to kernel_main, kept for the tests that check it (memory size,
// command line), and the helpers arch boot code fills one with.
#pragma once

#include "kernel/arch/boot.h"
#include "kernel/lib/result.h"

void set_boot_info(const BootInfo& info);
// The recorded BootInfo; before set_boot_info, all zero with an empty command line.
const BootInfo& boot_info();

// Appends a RAM range / a reserved range as the firmware reported it (any value: the memory
// map checks them). Error::NoSpace when the table is full.
Result<void> boot_add_ram(BootInfo& info, uint64_t base, uint64_t size);
Result<void> boot_add_reserved(BootInfo& info, uint64_t base, uint64_t size, const char* owner);
