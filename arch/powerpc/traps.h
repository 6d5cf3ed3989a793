// Interrupt handling for the kernel: vectors in real mode at 0x100..0x1000 (AIL = 0), every
// interrupt but the decrementer decoded into a TrapInfo for trap_unhandled().
#pragma once

// Copies the vectors over low memory and records the MSR the kernel runs with, which the trap
// entry restores before running C++. Open Firmware must be quiesced: its code lives there.
void traps_install();
