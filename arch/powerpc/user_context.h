// A user program's saved state, shared by the user entry and exit code (user_entry.S) and
// user.cc: the registers as the interrupt entry saved them (the same TrapFrame the kernel's own
// traps use, so one decoder serves both), then the kernel's callee-saved registers while the
// program runs. FP, VMX and VSX state is not kept yet: user MSR has FP, VEC and VSX off, so their
// first use is a facility-unavailable fault.
#pragma once

#include "arch/powerpc/trap_frame.h"

#define UC_FRAME 0
// The kernel's r1, r2, LR, CR and r13-r31 inside powerpc_user_enter.
#define UC_KERNEL_R1 TF_SIZE
#define UC_KERNEL_R2 (TF_SIZE + 8)
#define UC_KERNEL_LR (TF_SIZE + 16)
#define UC_KERNEL_CR (TF_SIZE + 24)
#define UC_KERNEL_GPR(n) (TF_SIZE + 32 + 8 * ((n)-13))
#define UC_SIZE (TF_SIZE + 32 + 8 * 19)

#ifndef __ASSEMBLY__
#include <stdint.h>

struct UserContext {
  TrapFrame frame;  // srr0 is the program's next PC, srr1 its MSR at the last exit
  uint64_t kernel[4 + 19];
};
static_assert(__builtin_offsetof(UserContext, kernel) == UC_KERNEL_R1);
static_assert(sizeof(UserContext) == UC_SIZE);

// Enters problem state with `context`'s registers and MSR = `msr`; returns when an interrupt
// from problem state has saved them back (frame.vector says which).
extern "C" void powerpc_user_enter(UserContext* context, uint64_t msr);
#endif
