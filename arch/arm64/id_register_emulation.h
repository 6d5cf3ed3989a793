// The trapped EL0 MRS of an ID register (id_registers.h), emulated as Linux 6.12 does
// (arch/arm64/kernel/traps.c): an exception of class 0x18 (a trapped MSR, MRS or system
// instruction; FEAT_IDST traps the ID registers so) whose syndrome names a read of op0 3, op1 0,
// CRn 0 (do_el0_sys, mrs_handler), or of class 0x00 (an undefined instruction: the ID registers
// without FEAT_IDST) whose instruction is an MRS (do_el0_undef, try_emulate_mrs).
#pragma once

#include "arch/arm64/user_context.h"

namespace arm64 {

// For such an exception of the program in `context`, when Linux emulates the register: writes
// its value to the MRS's Xt (XZR discards it) and moves the PC past the instruction with
// PSTATE.BTYPE cleared (arm64_skip_faulting_instruction); returns true. Returns false and
// changes nothing for every other exception, a register Linux does not emulate and an
// instruction that cannot be read: those stay the program's SIGILL ILL_ILLOPC at the
// instruction, as on Linux.
bool emulate_user_id_register_read(UserContext& context);

}  // namespace arm64
