#include "kernel/lib/boot_info.h"

namespace {

BootInfo g_boot_info{.arch_name = "", .cmdline = ""};

}  // namespace

void set_boot_info(const BootInfo& info) { g_boot_info = info; }

const BootInfo& boot_info() { return g_boot_info; }

Result<void> boot_add_ram(BootInfo& info, uint64_t base, uint64_t size) {
  if (info.ram_count == BOOT_MAX_RAM_RANGES) return Error::NoSpace;
  info.ram[info.ram_count++] = PhysicalRange{base, size};
  return {};
}

Result<void> boot_add_reserved(BootInfo& info, uint64_t base, uint64_t size, const char* owner) {
  if (info.reserved_count == BOOT_MAX_RESERVED_RANGES) return Error::NoSpace;
  info.reserved[info.reserved_count++] = ReservedRange{PhysicalRange{base, size}, owner};
  return {};
}
