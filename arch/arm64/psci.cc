#include "arch/arm64/psci.h"

namespace arm64 {
namespace {

PsciConduit g_conduit = PsciConduit::None;

// SMC Calling Convention (Arm DEN 0028): function ID in w0, result in x0; x1-x17 may be
// clobbered by an SMCCC 1.0 implementation.
#define PSCI_CALL(instruction, function)                                                      \
  ({                                                                                          \
    register uint64_t x0 asm("x0") = (function);                                              \
    asm volatile(instruction                                                                  \
                 : "+r"(x0)                                                                   \
                 :                                                                            \
                 : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", \
                   "x13", "x14", "x15", "x16", "x17", "memory");                              \
    x0;                                                                                       \
  })

}  // namespace

void psci_set_conduit(PsciConduit conduit) { g_conduit = conduit; }

PsciConduit psci_conduit() { return g_conduit; }

void psci_system_off() {
  switch (g_conduit) {
    case PsciConduit::Hvc:
      (void)PSCI_CALL("hvc #0", PSCI_SYSTEM_OFF);
      break;
    case PsciConduit::Smc:
      (void)PSCI_CALL("smc #0", PSCI_SYSTEM_OFF);
      break;
    case PsciConduit::None:
      break;
  }
}

}  // namespace arm64
