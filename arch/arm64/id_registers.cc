// The values of id_registers.h. FIELDS holds, from Linux 6.12's arm64_ftr_bits tables
// (arch/arm64/kernel/cpufeature.c; field layouts in arch/arm64/tools/sysreg), every field EL0
// may see and every hidden field whose safe value is not 0; a hidden field with safe value 0
// reads as 0, as a bit no field covers does, so it needs no entry.
#include "arch/arm64/id_registers.h"

#include "arch/arm64/regs.h"
#include "arch/arm64/sysreg.h"

namespace arm64 {
namespace {

// When a field shows the CPU's value: ALWAYS (FTR_VISIBLE), NEVER (hidden: its safe value), or
// once Maplet advertises the hwcap bit it names (AT_HWCAP's bits from 0, AT_HWCAP2's from 64, as
// hwcaps.cc counts them).
constexpr uint8_t ALWAYS = 0xff, NEVER = 0xfe;
constexpr uint8_t H2 = 64;
constexpr uint8_t WITH_SVE = 22, WITH_BTI = H2 + 17, WITH_FPMR = H2 + 48, WITH_POE = H2 + 63;

struct Field {
  uint8_t crm, op2;  // the register: op0 3, op1 0, CRn 0, CRm, op2
  uint8_t shift, width;
  uint8_t safe;  // what a hidden field reads as
  uint8_t shown;
};

constexpr Field FIELDS[] = {
    // ID_ISAR5_EL1: CRC32, SHA2, SHA1, AES.
    {2, 5, 16, 4, 0, ALWAYS},
    {2, 5, 12, 4, 0, ALWAYS},
    {2, 5, 8, 4, 0, ALWAYS},
    {2, 5, 4, 4, 0, ALWAYS},
    // ID_ISAR6_EL1: I8MM, BF16, SB, FHM, DP.
    {2, 7, 24, 4, 0, ALWAYS},
    {2, 7, 20, 4, 0, ALWAYS},
    {2, 7, 12, 4, 0, ALWAYS},
    {2, 7, 8, 4, 0, ALWAYS},
    {2, 7, 4, 4, 0, ALWAYS},
    // MVFR0_EL1: FPDP.
    {3, 0, 8, 4, 0, ALWAYS},
    // MVFR1_EL1: SIMDFMAC, FPHP, SIMDHP, SIMDSP, SIMDInt, SIMDLS.
    {3, 1, 28, 4, 0, ALWAYS},
    {3, 1, 24, 4, 0, ALWAYS},
    {3, 1, 20, 4, 0, ALWAYS},
    {3, 1, 16, 4, 0, ALWAYS},
    {3, 1, 12, 4, 0, ALWAYS},
    {3, 1, 8, 4, 0, ALWAYS},
    // ID_PFR2_EL1: SSBS.
    {3, 4, 4, 4, 0, ALWAYS},
    // ID_AA64PFR0_EL1: DIT, SVE, AdvSIMD, FP; EL1 and EL0 hidden as "AArch64 only" (1).
    {4, 0, 48, 4, 0, ALWAYS},
    {4, 0, 32, 4, 0, WITH_SVE},
    {4, 0, 20, 4, 0, ALWAYS},
    {4, 0, 16, 4, 0, ALWAYS},
    {4, 0, 4, 4, 1, NEVER},
    {4, 0, 0, 4, 1, NEVER},
    // ID_AA64PFR1_EL1: MTE, SSBS, BT.
    {4, 1, 8, 4, 0, ALWAYS},
    {4, 1, 4, 4, 0, ALWAYS},
    {4, 1, 0, 4, 0, WITH_BTI},
    // ID_AA64PFR2_EL1: FPMR.
    {4, 2, 32, 4, 0, WITH_FPMR},
    // ID_AA64ZFR0_EL1: F64MM, F32MM, I8MM, SM4, SHA3, B16B16, BF16, BitPerm, AES, SVEver.
    {4, 4, 56, 4, 0, WITH_SVE},
    {4, 4, 52, 4, 0, WITH_SVE},
    {4, 4, 44, 4, 0, WITH_SVE},
    {4, 4, 40, 4, 0, WITH_SVE},
    {4, 4, 32, 4, 0, WITH_SVE},
    {4, 4, 24, 4, 0, WITH_SVE},
    {4, 4, 20, 4, 0, WITH_SVE},
    {4, 4, 16, 4, 0, WITH_SVE},
    {4, 4, 4, 4, 0, WITH_SVE},
    {4, 4, 0, 4, 0, WITH_SVE},
    // ID_AA64FPFR0_EL1: F8CVT, F8FMA, F8DP4, F8DP2, F8E4M3, F8E5M2 (one bit each).
    {4, 7, 31, 1, 0, WITH_FPMR},
    {4, 7, 30, 1, 0, WITH_FPMR},
    {4, 7, 29, 1, 0, WITH_FPMR},
    {4, 7, 28, 1, 0, WITH_FPMR},
    {4, 7, 1, 1, 0, WITH_FPMR},
    {4, 7, 0, 1, 0, WITH_FPMR},
    // ID_AA64DFR0_EL1: DebugVer hidden as ARMv8.0 debug (6).
    {5, 0, 0, 4, 6, NEVER},
    // ID_AA64ISAR0_EL1: RNDR, TS, FHM, DP, SM4, SM3, SHA3, RDM, ATOMIC, CRC32, SHA2, SHA1, AES.
    {6, 0, 60, 4, 0, ALWAYS},
    {6, 0, 52, 4, 0, ALWAYS},
    {6, 0, 48, 4, 0, ALWAYS},
    {6, 0, 44, 4, 0, ALWAYS},
    {6, 0, 40, 4, 0, ALWAYS},
    {6, 0, 36, 4, 0, ALWAYS},
    {6, 0, 32, 4, 0, ALWAYS},
    {6, 0, 28, 4, 0, ALWAYS},
    {6, 0, 20, 4, 0, ALWAYS},
    {6, 0, 16, 4, 0, ALWAYS},
    {6, 0, 12, 4, 0, ALWAYS},
    {6, 0, 8, 4, 0, ALWAYS},
    {6, 0, 4, 4, 0, ALWAYS},
    // ID_AA64ISAR1_EL1: I8MM, DGH, BF16, SB, FRINTTS, GPI, GPA, LRCPC, FCMA, JSCVT, API, APA, DPB.
    {6, 1, 52, 4, 0, ALWAYS},
    {6, 1, 48, 4, 0, ALWAYS},
    {6, 1, 44, 4, 0, ALWAYS},
    {6, 1, 36, 4, 0, ALWAYS},
    {6, 1, 32, 4, 0, ALWAYS},
    {6, 1, 28, 4, 0, ALWAYS},
    {6, 1, 24, 4, 0, ALWAYS},
    {6, 1, 20, 4, 0, ALWAYS},
    {6, 1, 16, 4, 0, ALWAYS},
    {6, 1, 12, 4, 0, ALWAYS},
    {6, 1, 8, 4, 0, ALWAYS},
    {6, 1, 4, 4, 0, ALWAYS},
    {6, 1, 0, 4, 0, ALWAYS},
    // ID_AA64ISAR2_EL1: LUT, CSSC, RPRFM, BC, MOPS, APA3, GPA3, RPRES, WFxT.
    {6, 2, 56, 4, 0, ALWAYS},
    {6, 2, 52, 4, 0, ALWAYS},
    {6, 2, 48, 4, 0, ALWAYS},
    {6, 2, 20, 4, 0, ALWAYS},
    {6, 2, 16, 4, 0, ALWAYS},
    {6, 2, 12, 4, 0, ALWAYS},
    {6, 2, 8, 4, 0, ALWAYS},
    {6, 2, 4, 4, 0, ALWAYS},
    {6, 2, 0, 4, 0, ALWAYS},
    // ID_AA64ISAR3_EL1: FAMINMAX.
    {6, 3, 4, 4, 0, ALWAYS},
    // ID_AA64MMFR0_EL1: ECV; the stage 2 granules TGRAN4_2, TGRAN64_2 and TGRAN16_2 hidden as
    // "see the stage 1 field" (1), TGRAN4 and TGRAN64 as not implemented (0xf).
    {7, 0, 60, 4, 0, ALWAYS},
    {7, 0, 40, 4, 1, NEVER},
    {7, 0, 36, 4, 1, NEVER},
    {7, 0, 32, 4, 1, NEVER},
    {7, 0, 28, 4, 0xf, NEVER},
    {7, 0, 24, 4, 0xf, NEVER},
    // ID_AA64MMFR1_EL1: AFP.
    {7, 1, 44, 4, 0, ALWAYS},
    // ID_AA64MMFR2_EL1: AT.
    {7, 2, 32, 4, 0, ALWAYS},
    // ID_AA64MMFR3_EL1: S1POE.
    {7, 3, 16, 4, 0, WITH_POE},
};

constexpr uint8_t code(uint8_t crm, uint8_t op2) { return static_cast<uint8_t>(crm << 3 | op2); }

// The registers with a field that may show the CPU's value, read by encoding (an older assembler
// does not name them all); only these are read, as every other one's value is its safe values.
#define ARM64_ID_REGISTERS_READ(X) \
  X(2, 5)                          \
  X(2, 7)                          \
  X(3, 0)                          \
  X(3, 1)                          \
  X(3, 4)                          \
  X(4, 0)                          \
  X(4, 1)                          \
  X(4, 2)                          \
  X(4, 4)                          \
  X(4, 7)                          \
  X(6, 0)                          \
  X(6, 1)                          \
  X(6, 2)                          \
  X(6, 3)                          \
  X(7, 0)                          \
  X(7, 1)                          \
  X(7, 2)                          \
  X(7, 3)

#define ARM64_ID_CODE(crm, op2) code(crm, op2),
constexpr uint8_t READ[] = {ARM64_ID_REGISTERS_READ(ARM64_ID_CODE)};
#undef ARM64_ID_CODE

constexpr bool every_shown_field_is_read() {
  for (const Field& f : FIELDS) {
    if (f.shown == NEVER) continue;
    bool read = false;
    for (uint8_t c : READ) read = read || c == code(f.crm, f.op2);
    if (!read) return false;
  }
  return true;
}
static_assert(every_shown_field_is_read());

uint64_t read_raw(uint8_t crm, uint8_t op2) {
  switch (code(crm, op2)) {
#define ARM64_ID_READ(crm, op2) \
  case code(crm, op2):          \
    return ARM64_READ_SYSREG(s3_0_c0_c##crm##_##op2);
    ARM64_ID_REGISTERS_READ(ARM64_ID_READ)
#undef ARM64_ID_READ
  }
  return 0;
}
#undef ARM64_ID_REGISTERS_READ

bool advertised(const ElfHwcaps& caps, uint8_t bit) {
  const uint64_t word = bit < H2 ? caps.hwcap : caps.hwcap2;
  return ((word >> (bit % H2)) & 1) != 0;
}

bool is_shown(const Field& f, const ElfHwcaps& caps) {
  if (f.shown == ALWAYS) return true;
  if (f.shown == NEVER) return false;
  return advertised(caps, f.shown);
}

// MPIDR_EL1 as EL0 reads it: bit 31, RES1, alone (Linux's SYS_MPIDR_SAFE_VAL).
constexpr uint64_t MPIDR_USER = uint64_t{1} << 31;
// ID_AA64PFR0_EL1.EL0 (bits [3:0]) 2: EL0 runs AArch64 and AArch32.
constexpr uint64_t EL0_AARCH32 = 2;

const ElfHwcaps& boot_hwcaps() {
  // The ID registers and the event stream stay as boot left them.
  static const ElfHwcaps caps = elf_hwcaps();
  return caps;
}

}  // namespace

uint64_t id_register_sanitise(uint8_t crm, uint8_t op2, uint64_t raw, const ElfHwcaps& caps) {
  uint64_t value = 0;
  for (const Field& f : FIELDS) {
    if (f.crm != crm || f.op2 != op2) continue;
    const uint64_t bits = is_shown(f, caps) ? field(raw, f.shift, f.width) : f.safe;
    value |= bits << f.shift;
  }
  return value;
}

Result<uint64_t> id_register_user_value(SysReg reg) {
  if (reg.op0 != 3 || reg.op1 != 0 || reg.crn != 0) return Error::Invalid;
  if (reg.crm == 0) {
    switch (reg.op2) {
      case 0:
        return ARM64_READ_SYSREG(midr_el1);
      case 5:
        return MPIDR_USER;
      case 6:
        return uint64_t{0};
    }
    return Error::Invalid;
  }
  if (reg.crm < 2 || reg.crm > 7 || reg.op2 > 7) return Error::Invalid;
  const bool aarch32 = reg.crm <= 3;
  if (aarch32 && field(read_raw(4, 0), 0, 4) != EL0_AARCH32) return uint64_t{0};
  return id_register_sanitise(reg.crm, reg.op2, read_raw(reg.crm, reg.op2), boot_hwcaps());
}

}  // namespace arm64
