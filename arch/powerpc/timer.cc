#include "kernel/arch/timer.h"

#include "arch/powerpc/of.h"
#include "arch/powerpc/regs.h"
#include "arch/powerpc/timer.h"
#include "kernel/lib/console.h"

namespace {

uint64_t g_frequency = 0;
timebase::FrequencyProperty g_property;

// IEEE 1275 encodes a number as one or two big-endian cells, read here byte by byte (so in
// either kernel byte order).
Result<uint64_t> decode(const timebase::FrequencyProperty& property) {
  uint64_t value = 0;
  if (property.length != 4 && property.length != 8) return Error::Invalid;
  for (uint32_t i = 0; i < property.length; ++i) value = (value << 8) | property.bytes[i];
  return value;
}

}  // namespace

namespace timebase {

Result<void> init_from_firmware() {
  Result<of::Phandle> cpu = of::first_cpu();
  if (cpu.is_error()) {
    klog("powerpc: no cpu node under /cpus: %s", error_name(cpu.error()));
    return cpu.error();
  }
  Result<uint32_t> length =
      of::get_prop(cpu.value(), "timebase-frequency", g_property.bytes, sizeof(g_property.bytes));
  if (length.is_error()) {
    klog("powerpc: cpu property \"timebase-frequency\": %s", error_name(length.error()));
    return length.error();
  }
  g_property.length = length.value();
  Result<uint64_t> frequency = decode(g_property);
  if (frequency.is_error()) {
    klog("powerpc: cpu property \"timebase-frequency\" is malformed (%u bytes)", g_property.length);
    return frequency.error();
  }
  if (frequency.value() == 0) {
    klog("powerpc: cpu property \"timebase-frequency\" is 0");
    return Error::Invalid;
  }
  g_frequency = frequency.value();
  return {};
}

const FrequencyProperty& firmware_frequency_property() { return g_property; }

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

bool arch_has_alarm_clocks() { return false; }
