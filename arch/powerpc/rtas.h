// RTAS (LoPAPR, "Run-Time Abstraction Services") without instantiating it: QEMU runs each call
// through the KVMPPC_H_RTAS hcall, given the real address of the argument buffer. The tokens come
// from the device tree's /rtas node, read while Open Firmware is still available.
#pragma once

#include <stdint.h>

#include "kernel/lib/result.h"

namespace rtas {

// Reads the tokens of the services the kernel uses. Error::NotFound (after printing which one)
// when /rtas or a token is missing; the other tokens are still recorded.
Result<void> init_from_firmware();

// Requests power-off (LoPAPR RTAS "power-off"). Returns only if the request failed or was not acted
// on.
void power_off();
// Reports a fatal OS error (LoPAPR RTAS "ibm,os-term"); QEMU treats it as a guest panic.
// Returns only if the call failed.
void os_term(const char* message);

}  // namespace rtas
