// The BootInfo the arch handed to kernel_main, kept for the tests that check it (memory size,
// command line).
#pragma once

#include "kernel/arch/boot.h"

void set_boot_info(const BootInfo& info);
// The recorded BootInfo; before set_boot_info, all zero with an empty command line.
const BootInfo& boot_info();
