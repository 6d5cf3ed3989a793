// The powerpc processor as Linux names it to user programs, read once at boot while the Open
// Firmware client interface is up (arch_cpu_identity, kernel/arch/cpu_features.h, reports it).
//   AT_PLATFORM and AT_BASE_PLATFORM: cur_cpu_spec->platform of the processor's PVR version
//   (arch/powerpc/kernel/cputable.c: "power9" for PVR_POWER9 0x004e, "power10" for
//   PVR_POWER10 0x0080); another processor leaves the process description's name.
//   AT_HWCAP and AT_HWCAP2: the cputable entry's cpu_user_features and cpu_user_features2 of
//   those two processors, with AltiVec, VSX and DFP as the cpu node's "ibm,vmx" and "ibm,dfp"
//   say (check_cpu_feature_properties), less the bits whose kernel support Maplet lacks
//   (cpu_identity.cc lists them); another processor leaves the process description's.
//   The L1 caches: the first cpu node's i-/d-cache-size, -sets, -block-size and -line-size, as
//   parse_cache_info (arch/powerpc/kernel/setup_64.c) reads them: a missing line size is the
//   block size and the other way round, OF's 1 set is fully associative and 0 direct mapped,
//   and the associativity is size / (sets * line size) in 32-bit arithmetic (no sets property:
//   all ones, which makes it 0, unknown).
#pragma once

#include "kernel/lib/result.h"

namespace cpu_identity {

// Error::NotFound without a cpu node; a processor without cache properties is not an error.
Result<void> init_from_firmware();

// FSCR for problem state, for the hwcaps above: TAR (PPC_FEATURE2_TAR) and DSCR through SPR 3
// (PPC_FEATURE2_DSCR), both switched with each context (user_context.h), and on POWER10
// prefixed instructions (part of PPC_FEATURE2_ARCH_3_1), as Linux's __setup_cpu_power9/10 and
// its facility-unavailable handler (which enables DSCR once a program writes it) leave them.
// Not SCV: there is no scv entry. Not EBB: there are no event-based branches to take.
void enable_user_facilities();

}  // namespace cpu_identity
