#include "kernel/lib/boot_info.h"

namespace {

BootInfo g_boot_info{"", 0, 0, 0, 0, ""};

}  // namespace

void set_boot_info(const BootInfo& info) { g_boot_info = info; }

const BootInfo& boot_info() { return g_boot_info; }
