// Turns a saved exception frame into the neutral TrapInfo (kernel/arch/trap.h).
#pragma once

#include "arch/arm64/exception_frame.h"
#include "kernel/arch/trap.h"

namespace arm64 {

// TrapInfo.vector is the exception class (ESR_EL1.EC) for synchronous exceptions and SErrors.
// IRQ and FIQ have no syndrome: their vector is the vector table offset (0x80, 0x100, 0x280,
// ...), which is always above any exception class (0x00-0x3f). The banner is left empty: a user
// program's fault becomes a signal and is never printed, and formatting it would cost more
// than the rest of the fault.
TrapInfo decode_exception(const ExceptionFrame& frame, unsigned slot);
// Writes info.banner for the trap decode_exception made of `frame` and `slot`.
void describe_exception(const ExceptionFrame& frame, unsigned slot, TrapInfo& info);

}  // namespace arm64
