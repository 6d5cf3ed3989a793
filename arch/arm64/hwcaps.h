// The AT_HWCAP and AT_HWCAP2 words of a new program (kernel/arch/cpu_features.h), computed from
// the boot CPU's ID registers as Linux 6.12 does (arch/arm64/kernel/cpufeature.c: the entries of
// arm64_elf_hwcaps, each a field of a sanitised ID register at or above a minimum value), but
// only for the capabilities whose kernel support Maplet has: the instructions a program runs at
// EL0 with nothing from the kernel, those EL0 may use once SCTLR_EL1 allows them
// (el0_facilities_enable), and the state the kernel keeps per process (FP/SIMD, the PSTATE bits
// DIT and SSBS, memory tagging, the pointer authentication keys of pointer_auth.h). hwcaps.cc lists
// what Linux also advertises and why Maplet does not. With one CPU the sanitised value of a field
// is the CPU's own.
#pragma once

#include <stdint.h>

namespace arm64 {

struct ElfHwcaps {
  uint64_t hwcap;
  uint64_t hwcap2;
};

// Reads the ID registers and the event stream's state (CNTKCTL_EL1.EVNTEN, timer_init), so it
// is meaningful once the timer is set up.
ElfHwcaps elf_hwcaps();

// What Linux's INIT_SCTLR_EL1_MMU_ON and its cpufeature enables let EL0 do, for the hwcaps
// above: DC ZVA (DZE), CTR_EL0 reads (UCT), cache maintenance by VA (UCI), WFE and WFET
// untrapped (nTWE), with FEAT_MOPS the memory copy and set instructions (MSCEn), and with
// FEAT_BTI the stricter PACIxSP landing pads (BT0, BT1). Called once at boot, after the MMU is
// on.
void el0_facilities_enable();

}  // namespace arm64
