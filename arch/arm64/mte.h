// arm64 Memory Tagging (FEAT_MTE2/MTE3) in the kernel, as Linux 6.12 sets it up
// (arch/arm64/kernel/mte.c, cpufeature.c cpu_enable_mte()):
//
// - RAM is mapped Normal Tagged in the kernel's map (mmu_boot.cc) and in VM_MTE user mappings
//   (page_table.cc), so the kernel can read and write every page's tags through its linear map.
// - SCTLR_EL1.ATA and ATA0 let EL1 and EL0 use allocation tags; TCF (EL1) is "no checking", as
//   Linux without KASAN runs; ITFSB makes exception entry synchronize TFSR*_EL1.
// - GCR_EL1 holds RRND and the running program's exclusion mask (all 16 tags excluded in the
//   kernel and for a program that never set one); RGSR_EL1 gets a non-zero seed.
// - A page gets its tags cleared when it is first mapped into a VM_MTE mapping, and is then
//   "tagged" until it is freed (Linux's mte_sync_tags() and PG_mte_tagged).
// - Per program: the tag check mode (SCTLR_EL1.TCF0), the exclusion mask (GCR_EL1) and the tagged
//   address ABI, set by prctl(PR_SET_TAGGED_ADDR_CTRL) and switched on every entry to EL0.
//
// Register fields cite the Arm ARM (DDI 0487) by register name. Without FEAT_MTE2 everything here
// is a no-op and no MTE register is touched.
#pragma once

#include <stdint.h>

#include "kernel/lib/result.h"

namespace arm64 {

// SCTLR_EL1.TCF [41:40] and TCF0 [39:38]: what a tag-check fault does at EL1 / EL0.
enum class TagCheckMode : uint8_t { None = 0, Sync = 1, Async = 2, Asymmetric = 3 };

// TFSR_EL1.TF0 and TFSRE0_EL1.TF0 (bit 0): an asynchronous tag-check fault happened (TTBR0
// addresses; TF1, bit 1, for TTBR1 addresses in TFSR_EL1).
constexpr uint64_t TFSR_TF0 = uint64_t{1} << 0;
constexpr uint64_t TFSR_TF1 = uint64_t{1} << 1;
// GCR_EL1: Exclude [15:0] (a set bit keeps IRG from choosing that tag), RRND (16).
constexpr uint64_t GCR_EXCLUDE_MASK = 0xffff;
constexpr uint64_t GCR_RRND = uint64_t{1} << 16;

// Boot, once, after the MMU is on: SCTLR_EL1, GCR_EL1, RGSR_EL1 and TFSR*_EL1 as above.
void mte_init();
// FEAT_MTE3 (ID_AA64PFR1_EL1.MTE = 3): asymmetric checking exists.
bool mte_has_asymmetric();

// Sets SCTLR_EL1.TCF (EL1 checking) and returns the previous mode. For the kernel's own tests.
TagCheckMode mte_set_kernel_mode(TagCheckMode mode);

// The page at `pa` is about to be mapped into a VM_MTE mapping: clears its tags unless it is
// already tagged, and marks it tagged. A no-op without MTE.
void mte_sync_page(uint64_t pa);

struct MteState;

// Before a program runs: its SCTLR_EL1.TCF0 (the mode its requests resolve to, as Linux's
// mte_update_sctlr_user() picks it with the CPU's preferred mode, asynchronous by default) and
// its GCR_EL1 exclusion mask. The registers stay so while the kernel serves the program, whose
// user-memory copies are then checked under TCF0.
void mte_enter_user(const MteState& state);
// Whether the program last entered enabled the tagged address ABI: the user-memory copies then
// accept pointers with a tag (Linux's access_ok() untags them under TIF_TAGGED_ADDR) and refuse
// them otherwise.
bool mte_user_tagged_addr();
// After a program ran: whether TFSRE0_EL1.TF0 records an asynchronous tag-check fault of it (or
// of a user-memory copy for it); the flag is cleared. False without MTE.
bool mte_take_user_async_fault();
// The SCTLR_EL1.TCF0 mode `state` resolves to.
TagCheckMode mte_user_mode(const MteState& state);

}  // namespace arm64
