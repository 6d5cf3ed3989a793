// Interrupts on arm64: only user programs run with them unmasked, and the only source is the EL1
// virtual timer (CNTV_*_EL0, Arm ARM "The Generic Timer in AArch64 state"), armed for time
// slices while user programs run (kernel/arch/user.h) so that a program that never calls the
// kernel still comes back.
#pragma once

#include <stdint.h>

#include "kernel/lib/fdt.h"
#include "kernel/lib/result.h"

namespace arm64 {

// How long a user program runs before the timer takes it back: 10 ms.
constexpr uint64_t USER_SLICES_PER_SECOND = 100;

// Reads the virtual timer's PPI from /timer (its third interrupt; Linux's arm,armv8-timer
// binding), or takes QEMU virt's 27 when the node has none, and sets up the GIC for it (see
// gic.h for the errors).
Result<void> interrupts_init(const Fdt& fdt);

uint32_t timer_intid();

// Arms the virtual timer to fire one time slice from now unless a slice is running (armed and
// not stopped since); stops it. Each timer write costs QEMU a timer update, so a running slice
// is left alone.
void user_slice_continue();
void user_slice_stop();

// Acknowledges and ends the pending interrupt, after an IRQ from EL0; returns its INTID.
uint32_t interrupt_take();
// The INTID interrupt_take last returned (GIC_SPURIOUS before any), for tests.
uint32_t last_interrupt();

}  // namespace arm64
