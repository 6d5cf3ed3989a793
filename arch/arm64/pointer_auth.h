// Pointer authentication for user programs (FEAT_PAuth), as Linux 6.12 gives it
// (arch/arm64/include/asm/pointer_auth.h, arch/arm64/kernel/pointer_auth.c): every program has
// its own random APIA, APIB, APDA, APDB and APGA keys (UserContext::pac, chosen at exec), loaded
// on each entry to EL0, with all four address keys enabled (SCTLR_EL1 EnIA, EnIB, EnDA, EnDB).
// The kernel signs nothing itself (it is built without branch protection), so the user's keys
// and enables can stay in place while it runs. A failed authentication with FEAT_FPAC is the
// trap TrapKind::PointerAuth, SIGILL ILL_ILLOPN as Linux's do_el0_fpac sends it. A core carries
// the masks, the enabled keys and the keys themselves (elfcore.cc). Not provided: prctl
// PR_PAC_RESET_KEYS, PR_PAC_SET_ENABLED_KEYS and PR_PAC_GET_ENABLED_KEYS.
#pragma once

#include "arch/arm64/user_context.h"

namespace arm64 {

// Address authentication (HWCAP_PACA) and generic authentication (HWCAP_PACG), as Linux's
// ptr_auth_hwcap_addr_matches and ptr_auth_hwcap_gen_matches decide them: ID_AA64ISAR1_EL1 APA
// or API, or ID_AA64ISAR2_EL1 APA3, at least FEAT_PAuth; GPA, GPI or GPA3 implemented.
bool pac_address_supported();
bool pac_generic_supported();

// The bits of a user pointer that hold its PAC (Linux's ptrauth_user_pac_mask), from TCR_EL1 as
// the kernel set it: bits [54:VA] for a VA size of 64 - T0SZ, and with TBI0 clear also [63:56],
// which otherwise hold the tag (Arm ARM D8.8, "Pointer authentication"). TBID0 is clear, so
// instruction and data pointers share it.
uint64_t pac_user_mask();

// The PR_PAC_* bits of the address keys enabled for user programs (PR_PAC_GET_ENABLED_KEYS):
// all four where address authentication exists (pac_enable), else none.
uint64_t pac_enabled_keys();

// Sets the SCTLR_EL1 enables of the four address keys where address authentication exists.
// Called once at boot.
void pac_enable();

// Loads `keys` into the key registers, where any authentication exists. On every entry to EL0.
void pac_load_keys(const PacKeys& keys);

}  // namespace arm64
