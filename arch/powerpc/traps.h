// Interrupt handling for the kernel: vectors in real mode at 0x100..0x1000 (AIL = 0), every
// interrupt but the decrementer decoded into a TrapInfo for trap_unhandled().
#pragma once

#include "kernel/lib/result.h"

// Has interrupts taken in the kernel's byte order, copies the vectors over low memory and records
// the MSR the kernel runs with, which the trap entry restores before running C++. The first thing
// boot does, so that every fault is reported. Error::NotSupported when the hypervisor refuses the
// byte order (the vectors are not installed then).
Result<void> traps_install();

// Open Firmware's code lives where the vectors go (QEMU loads VOF at 0): traps_install keeps it
// aside, and each client-interface call puts it back for its duration. Exceptions inside the
// firmware are then the firmware's own.
void traps_lend_low_memory_to_firmware();
void traps_reclaim_low_memory();
