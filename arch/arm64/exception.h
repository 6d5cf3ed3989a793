// The C++ side of the EL1 exception vectors (vectors.S).
#pragma once

#include "arch/arm64/exception_frame.h"

namespace arm64 {

// Called once boot is complete, just before kernel_main: from then on unexpected exceptions go
// to the neutral trap_unhandled (test recovery or panic). Before it, they print their banner and
// power off with a failed verdict.
void exceptions_ready();

}  // namespace arm64

// Entry from vectors.S with the saved frame and the vector table slot (0-15). Returning resumes
// the (possibly edited) frame with eret.
extern "C" void arm64_handle_exception(arm64::ExceptionFrame* frame, uint64_t slot);
