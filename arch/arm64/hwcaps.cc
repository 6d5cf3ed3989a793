// AT_HWCAP and AT_HWCAP2 from the ID registers (hwcaps.h). Each entry below is one of Linux
// 6.12's arm64_elf_hwcaps: a capability bit set when an ID register field is at least a value
// (field layouts and values: arch/arm64/tools/sysreg and the Arm ARM's ID_AA64*_EL1 pages).
//
// What Linux also advertises and Maplet leaves out, because the kernel support behind it is
// missing: HWCAP_SVE and the SVE/SME/SME2 bits (the Z, P, ZA and ZT0 state and
// their signal records), HWCAP2_FPMR and the FP8 bits that need FPMR (FPMR is not kept), and
// HWCAP2_POE (POR_EL0 is not kept). Behind HWCAP2_MOPS, a MOPS exception rewinds the sequence
// to its prologue as Linux's do_el0_mops does (mops.h).
#include "arch/arm64/hwcaps.h"

#include "arch/arm64/pointer_auth.h"
#include "arch/arm64/regs.h"
#include "arch/arm64/sysreg.h"

namespace arm64 {
namespace {

enum class IdReg : uint8_t { Isar0, Isar1, Isar2, Isar3, Pfr0, Pfr1, Mmfr0, Mmfr1, Mmfr2 };

uint64_t read_id(IdReg reg) {
  // The registers an older assembler does not name are read by encoding (op0 3, op1 0, CRn 0).
  switch (reg) {
    case IdReg::Isar0:
      return ARM64_READ_SYSREG(id_aa64isar0_el1);
    case IdReg::Isar1:
      return ARM64_READ_SYSREG(id_aa64isar1_el1);
    case IdReg::Isar2:
      return ARM64_READ_SYSREG(s3_0_c0_c6_2);
    case IdReg::Isar3:
      return ARM64_READ_SYSREG(s3_0_c0_c6_3);
    case IdReg::Pfr0:
      return ARM64_READ_SYSREG(id_aa64pfr0_el1);
    case IdReg::Pfr1:
      return ARM64_READ_SYSREG(id_aa64pfr1_el1);
    case IdReg::Mmfr0:
      return ARM64_READ_SYSREG(id_aa64mmfr0_el1);
    case IdReg::Mmfr1:
      return ARM64_READ_SYSREG(id_aa64mmfr1_el1);
    case IdReg::Mmfr2:
      return ARM64_READ_SYSREG(id_aa64mmfr2_el1);
  }
  return 0;
}

// `bit` counts AT_HWCAP's bits from 0 and AT_HWCAP2's from 64 (Linux's KERNEL_HWCAP_* numbering,
// arch/arm64/include/asm/hwcap.h). A signed field (FP, AdvSIMD) reads 0xf as "absent", below 0.
struct Hwcap {
  IdReg reg;
  uint8_t shift;
  bool is_signed;
  uint8_t min;
  uint8_t bit;
};

constexpr uint8_t H2 = 64;
constexpr Hwcap HWCAPS[] = {
    // ID_AA64ISAR0_EL1.
    {IdReg::Isar0, 4, false, 2, 4},         // AES >= PMULL: HWCAP_PMULL
    {IdReg::Isar0, 4, false, 1, 3},         // AES: HWCAP_AES
    {IdReg::Isar0, 8, false, 1, 5},         // SHA1: HWCAP_SHA1
    {IdReg::Isar0, 12, false, 1, 6},        // SHA2 >= SHA256: HWCAP_SHA2
    {IdReg::Isar0, 12, false, 2, 21},       // SHA2 >= SHA512: HWCAP_SHA512
    {IdReg::Isar0, 16, false, 1, 7},        // CRC32: HWCAP_CRC32
    {IdReg::Isar0, 20, false, 2, 8},        // ATOMIC (FEAT_LSE): HWCAP_ATOMICS
    {IdReg::Isar0, 20, false, 3, H2 + 47},  // ATOMIC >= FEAT_LSE128: HWCAP2_LSE128
    {IdReg::Isar0, 28, false, 1, 12},       // RDM: HWCAP_ASIMDRDM
    {IdReg::Isar0, 32, false, 1, 17},       // SHA3: HWCAP_SHA3
    {IdReg::Isar0, 36, false, 1, 18},       // SM3: HWCAP_SM3
    {IdReg::Isar0, 40, false, 1, 19},       // SM4: HWCAP_SM4
    {IdReg::Isar0, 44, false, 1, 20},       // DP: HWCAP_ASIMDDP
    {IdReg::Isar0, 48, false, 1, 23},       // FHM: HWCAP_ASIMDFHM
    {IdReg::Isar0, 52, false, 1, 27},       // TS >= FLAGM: HWCAP_FLAGM
    {IdReg::Isar0, 52, false, 2, H2 + 7},   // TS >= FLAGM2: HWCAP2_FLAGM2
    {IdReg::Isar0, 60, false, 1, H2 + 16},  // RNDR: HWCAP2_RNG
    // ID_AA64PFR0_EL1.
    {IdReg::Pfr0, 16, true, 0, 0},    // FP: HWCAP_FP
    {IdReg::Pfr0, 16, true, 1, 9},    // FP >= FP16: HWCAP_FPHP
    {IdReg::Pfr0, 20, true, 0, 1},    // AdvSIMD: HWCAP_ASIMD
    {IdReg::Pfr0, 20, true, 1, 10},   // AdvSIMD >= FP16: HWCAP_ASIMDHP
    {IdReg::Pfr0, 48, false, 1, 24},  // DIT: HWCAP_DIT (PSTATE.DIT is kept per process)
    // ID_AA64ISAR1_EL1.
    {IdReg::Isar1, 0, false, 1, 16},        // DPB: HWCAP_DCPOP (DC CVAP, allowed by UCI)
    {IdReg::Isar1, 0, false, 2, H2 + 0},    // DPB >= DPB2: HWCAP2_DCPODP (DC CVADP)
    {IdReg::Isar1, 12, false, 1, 13},       // JSCVT: HWCAP_JSCVT
    {IdReg::Isar1, 16, false, 1, 14},       // FCMA: HWCAP_FCMA
    {IdReg::Isar1, 20, false, 1, 15},       // LRCPC: HWCAP_LRCPC
    {IdReg::Isar1, 20, false, 2, 26},       // LRCPC >= LRCPC2: HWCAP_ILRCPC
    {IdReg::Isar1, 20, false, 3, H2 + 46},  // LRCPC >= LRCPC3: HWCAP2_LRCPC3
    {IdReg::Isar1, 32, false, 1, H2 + 8},   // FRINTTS: HWCAP2_FRINT
    {IdReg::Isar1, 36, false, 1, 29},       // SB: HWCAP_SB
    {IdReg::Isar1, 44, false, 1, H2 + 14},  // BF16: HWCAP2_BF16
    {IdReg::Isar1, 44, false, 2, H2 + 32},  // BF16 >= EBF16: HWCAP2_EBF16
    {IdReg::Isar1, 48, false, 1, H2 + 15},  // DGH: HWCAP2_DGH
    {IdReg::Isar1, 52, false, 1, H2 + 13},  // I8MM: HWCAP2_I8MM
    // ID_AA64ISAR2_EL1, ID_AA64ISAR3_EL1, ID_AA64MMFR2_EL1.
    {IdReg::Isar2, 56, false, 1, H2 + 49},  // LUT: HWCAP2_LUT
    {IdReg::Isar3, 4, false, 1, H2 + 50},   // FAMINMAX: HWCAP2_FAMINMAX
    {IdReg::Mmfr2, 32, false, 1, 25},       // AT: HWCAP_USCAT
    // ID_AA64PFR1_EL1.
    {IdReg::Pfr1, 0, false, 1, H2 + 17},  // BT: HWCAP2_BTI (PROT_BTI, the ELF BTI property)
    {IdReg::Pfr1, 4, false, 2, 28},       // SSBS >= SSBS2: HWCAP_SSBS (PSTATE.SSBS is kept)
    {IdReg::Pfr1, 8, false, 2, H2 + 18},  // MTE >= MTE2: HWCAP2_MTE
    {IdReg::Pfr1, 8, false, 3, H2 + 22},  // MTE >= MTE3: HWCAP2_MTE3
    // ID_AA64MMFR0_EL1, ID_AA64MMFR1_EL1, ID_AA64ISAR2_EL1.
    {IdReg::Mmfr0, 60, false, 1, H2 + 19},  // ECV: HWCAP2_ECV
    {IdReg::Mmfr1, 44, false, 1, H2 + 20},  // AFP: HWCAP2_AFP (FPCR is kept whole)
    {IdReg::Isar2, 52, false, 1, H2 + 34},  // CSSC: HWCAP2_CSSC
    {IdReg::Isar2, 48, false, 1, H2 + 35},  // RPRFM: HWCAP2_RPRFM
    {IdReg::Isar2, 4, false, 1, H2 + 21},   // RPRES: HWCAP2_RPRES
    {IdReg::Isar2, 0, false, 2, H2 + 31},   // WFxT: HWCAP2_WFXT (WFET allowed by nTWE)
    {IdReg::Isar2, 16, false, 1, H2 + 43},  // MOPS: HWCAP2_MOPS (allowed by MSCEn)
    {IdReg::Isar2, 20, false, 1, H2 + 44},  // BC: HWCAP2_HBC
};

bool matches(uint64_t value, const Hwcap& cap) {
  const uint64_t raw = field(value, cap.shift, 4);
  if (!cap.is_signed) return raw >= cap.min;
  const int64_t level = raw >= 8 ? static_cast<int64_t>(raw) - 16 : static_cast<int64_t>(raw);
  return level >= cap.min;
}

constexpr unsigned HWCAP_EVTSTRM = 2, HWCAP_CPUID = 11, HWCAP_PACA = 30, HWCAP_PACG = 31;
// CNTKCTL_EL1.EVNTEN (bit 2): the virtual counter's event stream is on (timer_init).
constexpr uint64_t CNTKCTL_EVNTEN = uint64_t{1} << 2;

// SCTLR_EL1 (Arm ARM, register SCTLR_EL1): DZE (14), UCT (15), nTWE (18), UCI (26), MSCEn (33),
// BT0 (35) and BT1 (36).
constexpr uint64_t SCTLR_DZE = uint64_t{1} << 14, SCTLR_UCT = uint64_t{1} << 15,
                   SCTLR_NTWE = uint64_t{1} << 18, SCTLR_UCI = uint64_t{1} << 26,
                   SCTLR_MSCEN = uint64_t{1} << 33, SCTLR_BT0 = uint64_t{1} << 35,
                   SCTLR_BT1 = uint64_t{1} << 36;
constexpr unsigned ISAR2_MOPS_SHIFT = 16, PFR1_BT_SHIFT = 0;

}  // namespace

ElfHwcaps elf_hwcaps() {
  ElfHwcaps caps{};
  for (const Hwcap& cap : HWCAPS) {
    if (!matches(read_id(cap.reg), cap)) continue;
    if (cap.bit < H2) {
      caps.hwcap |= uint64_t{1} << cap.bit;
    } else {
      caps.hwcap2 |= uint64_t{1} << (cap.bit - H2);
    }
  }
  // EL0 reads of the ID registers are emulated on every CPU (id_register_emulation.h).
  caps.hwcap |= uint64_t{1} << HWCAP_CPUID;
  // HWCAP_PACA and HWCAP_PACG stand for several fields each (pointer_auth.h).
  if (pac_address_supported()) caps.hwcap |= uint64_t{1} << HWCAP_PACA;
  if (pac_generic_supported()) caps.hwcap |= uint64_t{1} << HWCAP_PACG;
  // Linux sets HWCAP_EVTSTRM when its timer driver turned the event stream on.
  if ((ARM64_READ_SYSREG(cntkctl_el1) & CNTKCTL_EVNTEN) != 0) {
    caps.hwcap |= uint64_t{1} << HWCAP_EVTSTRM;
  }
  return caps;
}

void el0_facilities_enable() {
  uint64_t enable = SCTLR_DZE | SCTLR_UCT | SCTLR_NTWE | SCTLR_UCI;
  // MSCEn is RES0 without FEAT_MOPS.
  if (field(read_id(IdReg::Isar2), ISAR2_MOPS_SHIFT, 4) != 0) enable |= SCTLR_MSCEN;
  // Linux's bti_enable(): PACIASP and PACIBSP are no landing pad for a BR through a register
  // other than x16 or x17 from a guarded page (BTYPE 0b11), at EL0 (BT0) and EL1 (BT1). RES0
  // without FEAT_BTI.
  if (field(read_id(IdReg::Pfr1), PFR1_BT_SHIFT, 4) != 0) enable |= SCTLR_BT0 | SCTLR_BT1;
  ARM64_WRITE_SYSREG(sctlr_el1, ARM64_READ_SYSREG(sctlr_el1) | enable);
  isb();
}

}  // namespace arm64
