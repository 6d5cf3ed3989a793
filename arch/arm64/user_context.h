// The arm64 UserContext (kernel/arch/user.h): a user program's registers as the user entry and
// exit code (user_entry.S) saves and restores them. It starts with an ExceptionFrame, so the
// decoder of kernel exceptions also decodes the program's. FP/SIMD registers are not kept yet:
// CPACR_EL1.FPEN traps every FP/SIMD instruction, of the kernel and of user programs alike, so a
// program that uses them exits with a Fault (exception class 0x07).
#pragma once

#include "arch/arm64/exception_frame.h"

#define UCTX_TPIDR (FRAME_SIZE + 0 * 8)
#define UCTX_SLOT (FRAME_SIZE + 1 * 8)
#define UCTX_SIZE (FRAME_SIZE + 2 * 8)

// arm64_user_enter's frame on the kernel stack: x19-x30, then the UserContext pointer, which the
// lower-EL vectors find there at the stack pointer the program left the kernel with.
#define USER_ENTRY_X19 0
#define USER_ENTRY_CONTEXT (12 * 8)
#define USER_ENTRY_SIZE (14 * 8)

#ifndef __ASSEMBLY__
#include <stdint.h>

struct UserContext {
  // x0-x30, SP_EL0, ELR_EL1 (the PC), SPSR_EL1 (PSTATE); ESR_EL1 and FAR_EL1 of the last exit.
  arm64::ExceptionFrame frame;
  uint64_t tpidr;  // TPIDR_EL0, the thread pointer
  uint64_t slot;   // the vector table slot of the last exit
};
static_assert(sizeof(UserContext) == UCTX_SIZE);
static_assert(__builtin_offsetof(UserContext, tpidr) == UCTX_TPIDR);

// Loads `context` and enters EL0 with ERET; returns when the program takes an exception, with
// its state saved back into `context`. Interrupts are masked again on return.
extern "C" void arm64_user_enter(UserContext* context);
#endif
