// FEAT_MOPS's memory copy and set exceptions from EL0, handled as Linux 6.12 handles them
// (arch/arm64/kernel/entry-common.c el0_mops, arch/arm64/kernel/traps.c do_el0_mops,
// arch/arm64/include/asm/traps.h arm64_mops_reset_regs). A CPY* or SET* main or epilogue
// instruction that finds its registers and PSTATE.C in the form of the option this CPU does not
// implement (a sequence begun on a CPU of the other kind, or resumed after PSTATE.C changed) takes
// an exception of class 0x27; Linux turns the registers back into the form the prologue takes and
// moves the PC back to the prologue, which the program then runs again. No signal.
#pragma once

#include <stdint.h>

#include "arch/arm64/exception_frame.h"

namespace arm64 {

// For an exception of class 0x27 with syndrome `esr` taken by the program whose registers `frame`
// holds: rewinds the sequence to its prologue (the ISS's register numbers, option bits and
// whether the epilogue faulted). A register number 31 names sp, as regs[31] does in Linux's
// user_pt_regs. Nothing else changes.
void mops_reset_registers(ExceptionFrame& frame, uint64_t esr);

}  // namespace arm64
