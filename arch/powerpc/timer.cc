#include "kernel/arch/timer.h"

#include "arch/powerpc/of.h"
#include "arch/powerpc/regs.h"
#include "arch/powerpc/timer.h"
#include "kernel/lib/console.h"
#include "kernel/lib/string.h"

namespace {

uint64_t g_frequency = 0;

Result<of::Phandle> first_cpu() {
  const of::Phandle cpus = TRY(of::find_device("/cpus"));
  // IEEE 1275 names the processor nodes by device_type "cpu", not by node name.
  of::Phandle node = TRY(of::child(cpus));
  for (;;) {
    char type[8] = {};
    Result<uint32_t> length = of::get_prop(node, "device_type", type, sizeof(type) - 1);
    if (length.is_ok() && klib::str_equal(type, "cpu")) return node;
    node = TRY(of::peer(node));
  }
}

}  // namespace

namespace timebase {

Result<void> init_from_firmware() {
  Result<of::Phandle> cpu = first_cpu();
  if (cpu.is_error()) {
    klog("powerpc: no cpu node under /cpus: %s", error_name(cpu.error()));
    return cpu.error();
  }
  Result<uint64_t> frequency = of::get_prop_number(cpu.value(), "timebase-frequency");
  if (frequency.is_error()) {
    klog("powerpc: cpu property \"timebase-frequency\": %s", error_name(frequency.error()));
    return frequency.error();
  }
  if (frequency.value() == 0) {
    klog("powerpc: cpu property \"timebase-frequency\" is 0");
    return Error::Invalid;
  }
  g_frequency = frequency.value();
  return {};
}

void spin(uint64_t ticks) {
  const uint64_t start = arch_counter_read();
  while (arch_counter_read() - start < ticks) {
  }
}

}  // namespace timebase

uint64_t arch_counter_read() {
  uint64_t value;
  asm volatile("mfspr %0, %1" : "=r"(value) : "i"(SPRN_TBRL));
  return value;
}

uint64_t arch_counter_frequency() {
  // Boot fails before kernel_main when the device tree has no usable frequency.
  VERIFY(g_frequency != 0);
  return g_frequency;
}
