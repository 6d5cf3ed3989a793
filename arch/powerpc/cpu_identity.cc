#include "arch/powerpc/cpu_identity.h"

#include "arch/powerpc/of.h"
#include "arch/powerpc/regs.h"
#include "kernel/arch/cpu_features.h"

namespace {

constexpr uint32_t PVR_POWER9 = 0x004e, PVR_POWER10 = 0x0080;  // arch/powerpc/include/asm/reg.h
constexpr uint32_t DEFAULT_BLOCK_SIZE = 128;                   // cur_cpu_spec->dcache_bsize of both

// PPC_FEATURE_* and PPC_FEATURE2_* (arch/powerpc/include/uapi/asm/cputable.h).
constexpr uint64_t PPC_FEATURE_32 = 0x80000000, PPC_FEATURE_64 = 0x40000000,
                   PPC_FEATURE_HAS_ALTIVEC = 0x10000000, PPC_FEATURE_HAS_FPU = 0x08000000,
                   PPC_FEATURE_HAS_MMU = 0x04000000, PPC_FEATURE_SMT = 0x00004000,
                   PPC_FEATURE_ICACHE_SNOOP = 0x00002000, PPC_FEATURE_HAS_DFP = 0x00000400,
                   PPC_FEATURE_ARCH_2_06 = 0x00000100, PPC_FEATURE_HAS_VSX = 0x00000080,
                   PPC_FEATURE_PSERIES_PERFMON_COMPAT = 0x00000040,
                   PPC_FEATURE_TRUE_LE = 0x00000002;
constexpr uint64_t PPC_FEATURE2_ARCH_2_07 = 0x80000000, PPC_FEATURE2_DSCR = 0x20000000,
                   PPC_FEATURE2_TAR = 0x04000000, PPC_FEATURE2_ISEL = 0x08000000,
                   PPC_FEATURE2_VEC_CRYPTO = 0x02000000, PPC_FEATURE2_ARCH_3_00 = 0x00800000,
                   PPC_FEATURE2_HAS_IEEE128 = 0x00400000, PPC_FEATURE2_DARN = 0x00200000,
                   PPC_FEATURE2_SCV = 0x00100000, PPC_FEATURE2_ARCH_3_1 = 0x00040000,
                   PPC_FEATURE2_MMA = 0x00020000;

// cpu_user_features of both processors' cputable entries (arch/powerpc/kernel/
// cpu_specs_book3s_64.h: COMMON_USER_POWER10 = COMMON_USER_POWER9 = COMMON_USER_POWER8). TRUE_LE
// says the processor can run little-endian, whatever the kernel's byte order.
constexpr uint64_t COMMON_USER_POWER8 = PPC_FEATURE_32 | PPC_FEATURE_HAS_FPU | PPC_FEATURE_HAS_MMU |
                                        PPC_FEATURE_64 | PPC_FEATURE_ARCH_2_06 | PPC_FEATURE_SMT |
                                        PPC_FEATURE_ICACHE_SNOOP | PPC_FEATURE_TRUE_LE |
                                        PPC_FEATURE_PSERIES_PERFMON_COMPAT;
// cpu_user_features2 (COMMON_USER2_POWER9, COMMON_USER2_POWER10), less PPC_FEATURE2_EBB, which
// Linux's PMU driver adds (arch/powerpc/perf/power9-pmu.c): event-based branches come only from
// perf events, and Maplet has no perf_event_open. PPC_FEATURE2_SCV is Linux's once the scv
// vectors are reachable (setup_64.c drops it if AIL cannot be set); Maplet's are at the AIL = 0
// address, always installed, with FSCR[SCV] on. The HTM bits are 0 in Linux too: Debian's kernel
// has no CONFIG_PPC_TRANSACTIONAL_MEM.
constexpr uint64_t USER2_POWER9 = PPC_FEATURE2_ARCH_2_07 | PPC_FEATURE2_DSCR | PPC_FEATURE2_TAR |
                                  PPC_FEATURE2_ISEL | PPC_FEATURE2_VEC_CRYPTO |
                                  PPC_FEATURE2_ARCH_3_00 | PPC_FEATURE2_HAS_IEEE128 |
                                  PPC_FEATURE2_DARN | PPC_FEATURE2_SCV;
constexpr uint64_t USER2_POWER10 = USER2_POWER9 | PPC_FEATURE2_ARCH_3_1 | PPC_FEATURE2_MMA;

ArchCpuIdentity g_identity{};

uint32_t pvr_version() {
  uint64_t pvr;
  asm volatile("mfpvr %0" : "=r"(pvr));
  return static_cast<uint32_t>(pvr >> 16) & 0xffff;
}

// A one-cell property, or `fallback` when it is missing or not one cell.
uint32_t cell(of::Phandle node, const char* name, uint32_t fallback, bool* found = nullptr) {
  Result<uint32_t> length = of::get_prop_len(node, name);
  if (length.is_error() || length.value() != 4) return fallback;
  Result<uint64_t> value = of::get_prop_number(node, name);
  if (value.is_error()) return fallback;
  if (found != nullptr) *found = true;
  return static_cast<uint32_t>(value.value());
}

ArchCacheGeometry l1(of::Phandle cpu, bool icache) {
  const char* size_name = icache ? "i-cache-size" : "d-cache-size";
  const char* sets_name = icache ? "i-cache-sets" : "d-cache-sets";
  const char* block_name = icache ? "i-cache-block-size" : "d-cache-block-size";
  const char* line_name = icache ? "i-cache-line-size" : "d-cache-line-size";
  const uint32_t size = cell(cpu, size_name, 0);
  uint32_t sets = cell(cpu, sets_name, ~uint32_t{0});
  bool has_block = false, has_line = false;
  const uint32_t block = cell(cpu, block_name, 0, &has_block);
  const uint32_t line = cell(cpu, line_name, 0, &has_line);
  uint32_t line_size = DEFAULT_BLOCK_SIZE;
  if (has_line) {
    line_size = line;
  } else if (has_block) {
    line_size = block;
  }
  if (sets == 1) {
    sets = 0;
  } else if (sets == 0) {
    sets = 1;
  }
  const uint32_t per_way = sets * line_size;  // wraps as Linux's u32 product does
  const uint32_t assoc = sets == 0 ? 0xffff : per_way == 0 ? 0 : size / per_way;
  return ArchCacheGeometry{size, line_size, assoc};
}

}  // namespace

namespace cpu_identity {

Result<void> init_from_firmware() {
  const of::Phandle cpu = TRY(of::first_cpu());
  switch (pvr_version()) {
    case PVR_POWER9:
      g_identity.platform = "power9";
      g_identity.hwcap = COMMON_USER_POWER8;
      g_identity.hwcap2 = USER2_POWER9;
      break;
    case PVR_POWER10:
      g_identity.platform = "power10";
      g_identity.hwcap = COMMON_USER_POWER8;
      g_identity.hwcap2 = USER2_POWER10;
      break;
    default:
      break;
  }
  // check_cpu_feature_properties (arch/powerpc/kernel/prom.c): an "altivec" property or
  // "ibm,vmx" 1 or more is AltiVec, "ibm,vmx" 2 or more also VSX; "ibm,dfp" 1 or more is decimal
  // floating point.
  if (g_identity.hwcap != 0) {
    const uint32_t vmx = cell(cpu, "ibm,vmx", 0);
    if (vmx >= 1 || of::get_prop_len(cpu, "altivec").is_ok()) {
      g_identity.hwcap |= PPC_FEATURE_HAS_ALTIVEC;
    }
    if (vmx >= 2) g_identity.hwcap |= PPC_FEATURE_HAS_VSX;
    if (cell(cpu, "ibm,dfp", 0) >= 1) g_identity.hwcap |= PPC_FEATURE_HAS_DFP;
  }
  // Not in a compatibility mode, the base platform is the platform (identify_cpu).
  g_identity.base_platform = g_identity.platform;
  g_identity.l1i = l1(cpu, true);
  g_identity.l1d = l1(cpu, false);
  return {};
}

void enable_user_facilities() {
  uint64_t fscr;
  asm volatile("mfspr %0, %1" : "=r"(fscr) : "i"(SPRN_FSCR));
  fscr |= FSCR_TAR | FSCR_DSCR | FSCR_SCV;
  if (pvr_version() == PVR_POWER10) fscr |= FSCR_PREFIX;
  asm volatile("mtspr %0, %1\n\tisync" ::"i"(SPRN_FSCR), "r"(fscr) : "memory");
}

}  // namespace cpu_identity

ArchCpuIdentity arch_cpu_identity() { return g_identity; }
