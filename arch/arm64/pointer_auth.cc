#include "arch/arm64/pointer_auth.h"

#include "arch/arm64/regs.h"
#include "arch/arm64/sysreg.h"
#include "kernel/arch/user.h"

namespace arm64 {
namespace {

// ID_AA64ISAR1_EL1 APA [7:4], API [11:8], GPA [27:24], GPI [31:28]; ID_AA64ISAR2_EL1 GPA3
// [11:8], APA3 [15:12] (arch/arm64/tools/sysreg).
constexpr unsigned ISAR1_APA = 4, ISAR1_API = 8, ISAR1_GPA = 24, ISAR1_GPI = 28;
constexpr unsigned ISAR2_GPA3 = 8, ISAR2_APA3 = 12;

// SCTLR_EL1 EnDB (13), EnDA (27), EnIB (30), EnIA (31) (Arm ARM, register SCTLR_EL1).
constexpr uint64_t SCTLR_KEYS =
    (uint64_t{1} << 13) | (uint64_t{1} << 27) | (uint64_t{1} << 30) | (uint64_t{1} << 31);

// TCR_EL1 T0SZ [5:0] and TBI0 [37] (Arm ARM, register TCR_EL1).
constexpr unsigned TCR_T0SZ = 0, TCR_TBI0 = 37;

// include/uapi/linux/prctl.h PR_PAC_APIAKEY, APIBKEY, APDAKEY, APDBKEY.
constexpr uint64_t PR_PAC_ADDRESS_KEYS = 0xf;

uint64_t isar1() { return ARM64_READ_SYSREG(id_aa64isar1_el1); }
uint64_t isar2() { return ARM64_READ_SYSREG(s3_0_c0_c6_2); }

bool read_address_supported() {
  return field(isar1(), ISAR1_APA, 4) != 0 || field(isar1(), ISAR1_API, 4) != 0 ||
         field(isar2(), ISAR2_APA3, 4) != 0;
}

bool read_generic_supported() {
  return field(isar1(), ISAR1_GPA, 4) != 0 || field(isar1(), ISAR1_GPI, 4) != 0 ||
         field(isar2(), ISAR2_GPA3, 4) != 0;
}

}  // namespace

// The ID registers cannot change while the kernel runs; each is read once.
bool pac_address_supported() {
  static const bool supported = read_address_supported();
  return supported;
}

bool pac_generic_supported() {
  static const bool supported = read_generic_supported();
  return supported;
}

uint64_t pac_user_mask() {
  const uint64_t tcr = ARM64_READ_SYSREG(tcr_el1);
  const unsigned va_bits = 64 - static_cast<unsigned>(field(tcr, TCR_T0SZ, 6));
  // Bits [54:va_bits]; bit 55 selects the translation regime and is never part of the PAC.
  uint64_t mask = ((uint64_t{1} << 55) - 1) & ~((uint64_t{1} << va_bits) - 1);
  if (field(tcr, TCR_TBI0, 1) == 0) mask |= uint64_t{0xff} << 56;
  return mask;
}

uint64_t pac_enabled_keys() { return pac_address_supported() ? PR_PAC_ADDRESS_KEYS : 0; }

void pac_enable() {
  if (!pac_address_supported()) return;
  ARM64_WRITE_SYSREG(sctlr_el1, ARM64_READ_SYSREG(sctlr_el1) | SCTLR_KEYS);
  isb();
}

void pac_load_keys(const PacKeys& keys) {
  // The key registers by encoding (op0 3, op1 0, CRn 2): APIAKey c1 0/1, APIBKey c1 2/3,
  // APDAKey c2 0/1, APDBKey c2 2/3, APGAKey c3 0/1, each Lo then Hi. The ERET to EL0 that
  // follows synchronises them.
  if (pac_address_supported()) {
    ARM64_WRITE_SYSREG(s3_0_c2_c1_0, keys.ia[0]);
    ARM64_WRITE_SYSREG(s3_0_c2_c1_1, keys.ia[1]);
    ARM64_WRITE_SYSREG(s3_0_c2_c1_2, keys.ib[0]);
    ARM64_WRITE_SYSREG(s3_0_c2_c1_3, keys.ib[1]);
    ARM64_WRITE_SYSREG(s3_0_c2_c2_0, keys.da[0]);
    ARM64_WRITE_SYSREG(s3_0_c2_c2_1, keys.da[1]);
    ARM64_WRITE_SYSREG(s3_0_c2_c2_2, keys.db[0]);
    ARM64_WRITE_SYSREG(s3_0_c2_c2_3, keys.db[1]);
  }
  if (pac_generic_supported()) {
    ARM64_WRITE_SYSREG(s3_0_c2_c3_0, keys.ga[0]);
    ARM64_WRITE_SYSREG(s3_0_c2_c3_1, keys.ga[1]);
  }
}

}  // namespace arm64

void arch_user_keys_init(UserContext* context, uint64_t (*random)()) {
  arm64::PacKeys& k = context->pac;
  uint64_t* const words[] = {&k.ia[0], &k.ia[1], &k.ib[0], &k.ib[1], &k.da[0],
                             &k.da[1], &k.db[0], &k.db[1], &k.ga[0], &k.ga[1]};
  for (uint64_t* word : words) *word = random();
}
