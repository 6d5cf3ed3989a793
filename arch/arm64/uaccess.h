// arm64 side of the user-memory accesses (kernel/arch/uaccess.h): PAN and the fault fixups.
#pragma once

#include "arch/arm64/exception_frame.h"

namespace arm64 {

// Turns PAN on when the CPU has it (boot, once).
void uaccess_init();
bool pan_enabled();

// For a data abort taken at EL1: when it hit one of the user-access instructions of uaccess.S,
// points the frame at its fixup and returns true; the copy then returns as faulted.
bool uaccess_fixup(ExceptionFrame& frame);

}  // namespace arm64
