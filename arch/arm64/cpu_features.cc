#include "kernel/arch/cpu_features.h"

#include "arch/arm64/hwcaps.h"
#include "arch/arm64/regs.h"
#include "arch/arm64/sysreg.h"

namespace {

// ID_AA64PFR1_EL1.MTE (Arm ARM, register ID_AA64PFR1_EL1): 0 none, 1 FEAT_MTE (instructions
// only), 2 FEAT_MTE2, 3 FEAT_MTE3.
constexpr uint64_t MTE_LEVEL_MTE2 = 2;

bool read_supports_mte() {
  return arm64::field(ARM64_READ_SYSREG(id_aa64pfr1_el1), ID_AA64PFR1_MTE_SHIFT,
                      ID_AA64PFR1_MTE_WIDTH) >= MTE_LEVEL_MTE2;
}

}  // namespace

bool arch_supports_mte() {
  // The ID register cannot change while the kernel runs; read it once.
  static const bool supported = read_supports_mte();
  return supported;
}

bool arch_supports_bti() {
  static const bool supported = arm64::field(ARM64_READ_SYSREG(id_aa64pfr1_el1),
                                             ID_AA64PFR1_BT_SHIFT, ID_AA64PFR1_BT_WIDTH) != 0;
  return supported;
}

// ELF_PLATFORM is "aarch64" whatever the processor (arch/arm64/include/asm/elf.h), and arm64
// writes no AT_BASE_PLATFORM or cache entries: the process description has those; the hwcaps
// come from the ID registers.
ArchCpuIdentity arch_cpu_identity() {
  const arm64::ElfHwcaps caps = arm64::elf_hwcaps();
  ArchCpuIdentity cpu{};
  cpu.hwcap = caps.hwcap;
  cpu.hwcap2 = caps.hwcap2;
  return cpu;
}
