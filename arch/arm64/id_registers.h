// What a program reads from the CPU ID registers (HWCAP_CPUID): Linux 6.12 emulates an EL0 MRS
// of the system register space op0 3, op1 0, CRn 0 (arch/arm64/kernel/cpufeature.c,
// emulate_sys_reg), and these are the values it gives:
//  - CRm 0: MIDR_EL1 as the CPU has it, MPIDR_EL1 as 0x80000000 (only its RES1 bit 31: no
//    affinity, the same on every CPU) and REVIDR_EL1 as 0 (IMPLEMENTATION DEFINED); no other op2.
//  - CRm 2-7: the register's user-visible value (arm64_ftr_reg_user_value): each field Linux
//    shows (FTR_VISIBLE in its arm64_ftr_bits tables) as the CPU has it, each hidden field as
//    the table's safe value, and every bit no field covers as 0. A register no table lists (an
//    IMPLEMENTATION DEFINED one such as ID_AA64AFR0_EL1, or a reserved encoding) reads as 0, and
//    so do the AArch32 registers (CRm 2 and 3) on a CPU without AArch32 at EL0, for which Linux
//    never fills its table.
//  - CRm 1 (the AArch32 ID_PFR0_EL1 to ID_MMFR3_EL1) and CRm 8-15 are not emulated.
// Linux's fields that depend on its configuration (FTR_VISIBLE_IF_IS_ENABLED) follow Debian's,
// and where that shows a feature whose kernel support Maplet lacks, the field is shown only once
// Maplet advertises its hwcap (hwcaps.h): SVE (ID_AA64PFR0_EL1.SVE, ID_AA64ZFR0_EL1), BTI
// (ID_AA64PFR1_EL1.BT), FPMR (ID_AA64PFR2_EL1.FPMR, ID_AA64FPFR0_EL1) and POE
// (ID_AA64MMFR3_EL1.S1POE). SME is hidden, as Debian builds Linux without it.
// With one CPU the system-wide value of a field is the CPU's own, so Linux's rules for CPUs that
// differ (lower safe, higher safe, exact) never apply.
#pragma once

#include <stdint.h>

#include "arch/arm64/hwcaps.h"
#include "kernel/lib/result.h"

namespace arm64 {

// A system register operand as MRS names it (Arm ARM, "System register encodings"): op0 is 2
// or 3, the others as in the instruction.
struct SysReg {
  uint8_t op0, op1, crn, crm, op2;
};

// The value an EL0 MRS of `reg` reads. Error::Invalid when Linux does not emulate it (the
// program gets SIGILL). Reads the ID registers (and the hwcaps once, for the fields they gate),
// so it is meaningful once the timer is set up (elf_hwcaps).
Result<uint64_t> id_register_user_value(SysReg reg);

// The sanitising rule alone for the register (op0 3, op1 0, CRn 0, `crm`, `op2`) with CRm in
// 2-7, whose CPU value is `raw`, when Maplet advertises `caps`: the visible fields of `raw`, the
// hidden fields' safe values, 0 elsewhere.
uint64_t id_register_sanitise(uint8_t crm, uint8_t op2, uint64_t raw, const ElfHwcaps& caps);

}  // namespace arm64
