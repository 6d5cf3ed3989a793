// System register values the arm64 boot and exception code share between assembly and C++.
// Each cites its register description in the Arm ARM (DDI 0487) by register name.
#pragma once

#ifdef __ASSEMBLY__
#define ARM64_BIT(n) (1 << (n))
#else
#include <stdint.h>
#define ARM64_BIT(n) (uint64_t{1} << (n))
#endif

// SCTLR_EL1. The RES1 set holds bits that are RES1 when their feature is absent and, when it is
// present, select the ARMv8.0 behaviour: EOS (11, exception return is context synchronizing),
// TSCXT (20), EIS (22, exception entry is context synchronizing), SPAN (23, PSTATE.PAN is left
// alone on exception entry), nTLSMD (28) and LSMAOE (29).
#define SCTLR_EL1_M ARM64_BIT(0)
#define SCTLR_EL1_C ARM64_BIT(2)
#define SCTLR_EL1_SA ARM64_BIT(3)
#define SCTLR_EL1_SA0 ARM64_BIT(4)
#define SCTLR_EL1_I ARM64_BIT(12)
#define SCTLR_EL1_RES1 \
  (ARM64_BIT(11) | ARM64_BIT(20) | ARM64_BIT(22) | ARM64_BIT(23) | ARM64_BIT(28) | ARM64_BIT(29))
// Little-endian, MMU and caches off, stack alignment checked, no alignment checking otherwise.
#define SCTLR_EL1_MMU_OFF (SCTLR_EL1_RES1 | SCTLR_EL1_SA | SCTLR_EL1_SA0)
#define SCTLR_EL1_MMU_ON (SCTLR_EL1_MMU_OFF | SCTLR_EL1_M | SCTLR_EL1_C | SCTLR_EL1_I)

// HCR_EL2: RW (31) makes EL1 AArch64; ATA (56) lets EL1 use MTE allocation tags.
#define HCR_EL2_RW ARM64_BIT(31)
#define HCR_EL2_ATA ARM64_BIT(56)

// CNTHCTL_EL2 (non-VHE layout): EL1PCTEN (0) and EL1PCEN (1) stop EL2 trapping EL1/EL0 counter
// and timer accesses.
#define CNTHCTL_EL2_EL1PCTEN ARM64_BIT(0)
#define CNTHCTL_EL2_EL1PCEN ARM64_BIT(1)

// CPTR_EL2 (non-VHE layout): the RES1 bits [7:0], 9, 12 and 13, with TFP, TZ, TTA and TCPAC clear
// so nothing EL1 does is trapped to EL2.
#define CPTR_EL2_RES1 0x33ff

// CPACR_EL1.FPEN, bits [21:20]: 0b11 traps no FP/SIMD instruction, 0b00 traps them at EL0 and
// EL1. CPACR_EL1 = 0 also traps SVE (ZEN) and SME (SMEN) instructions at both.
#define CPACR_EL1_FPEN_NO_TRAP (3 << 20)

// SPSR_ELx: M[3:0] 0b0101 = EL1h (EL1 on SP_EL1); D, A, I, F masks at bits 9..6.
#define SPSR_M_EL1H 0x5
#define SPSR_DAIF_MASKED 0x3c0

// ID_AA64PFR0_EL1.SVE, bits [35:32]: non-zero with FEAT_SVE.
#define ID_AA64PFR0_SVE_SHIFT 32
#define ID_AA64PFR0_SVE_WIDTH 4

// ID_AA64PFR1_EL1.BT, bits [3:0]: 1 = FEAT_BTI.
#define ID_AA64PFR1_BT_SHIFT 0
#define ID_AA64PFR1_BT_WIDTH 4

// ID_AA64PFR1_EL1.SSBS, bits [7:4]: 1 = FEAT_SSBS (PSTATE.SSBS), 2 = also MSR/MRS SSBS at EL0.
#define ID_AA64PFR1_SSBS_SHIFT 4
#define ID_AA64PFR1_SSBS_WIDTH 4

// ID_AA64PFR1_EL1.MTE, bits [11:8]: 1 = MTE instructions only, 2 = FEAT_MTE2 (tag memory).
#define ID_AA64PFR1_MTE_SHIFT 8
#define ID_AA64PFR1_MTE_WIDTH 4
