#include "arch/powerpc/cpu_identity.h"

#include "arch/powerpc/of.h"
#include "kernel/arch/cpu_features.h"

namespace {

constexpr uint32_t PVR_POWER9 = 0x004e, PVR_POWER10 = 0x0080;  // arch/powerpc/include/asm/reg.h
constexpr uint32_t DEFAULT_BLOCK_SIZE = 128;                   // cur_cpu_spec->dcache_bsize of both

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
      break;
    case PVR_POWER10:
      g_identity.platform = "power10";
      break;
    default:
      break;
  }
  // Not in a compatibility mode, the base platform is the platform (identify_cpu).
  g_identity.base_platform = g_identity.platform;
  g_identity.l1i = l1(cpu, true);
  g_identity.l1d = l1(cpu, false);
  return {};
}

}  // namespace cpu_identity

ArchCpuIdentity arch_cpu_identity() { return g_identity; }
