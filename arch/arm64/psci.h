// PSCI (Arm DEN 0022, "Power State Coordination Interface"): the fallback power-off when
// semihosting is unavailable. The conduit (HVC or SMC) comes from the device tree's /psci node.
#pragma once

#include <stdint.h>

namespace arm64 {

enum class PsciConduit : uint8_t { None, Hvc, Smc };

// PSCI 0.2+ function IDs (DEN 0022, 5.1): SYSTEM_OFF is 0x84000008.
constexpr uint32_t PSCI_SYSTEM_OFF = 0x84000008;

void psci_set_conduit(PsciConduit conduit);
PsciConduit psci_conduit();
// Returns only when there is no conduit or the call failed.
void psci_system_off();

}  // namespace arm64
