// The arm64 generic timer's virtual counter (Arm ARM, "The Generic Timer in AArch64
// state").
#pragma once

#include <stdint.h>

#include "kernel/lib/result.h"

namespace arm64 {

// CNTFRQ_EL0 as the firmware left it: the counter frequency in Hz (bits [31:0]; [63:32] RES0).
uint64_t read_cntfrq();

// Picks the counter frequency: the device tree's /timer clock-frequency when given (as Linux
// does: it exists for firmware that leaves CNTFRQ_EL0 unset), CNTFRQ_EL0 otherwise.
// dt_frequency 0 means "absent". Error::Invalid when both are 0.
Result<void> timer_init(uint64_t dt_frequency);

}  // namespace arm64
