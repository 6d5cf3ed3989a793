// The timebase frequency the kernel reports is the device tree's, and the timebase runs at it.

#include "arch/powerpc/timer.h"
#include "kernel/arch/timer.h"
#include "kernel/test/test.h"

namespace {

// QEMU's pseries machine (hw/ppc/spapr.c SPAPR_TIMEBASE_FREQ); POWER8 and later run the
// timebase at 512 MHz too.
constexpr uint64_t PSERIES_TIMEBASE_HZ = 512'000'000;

}  // namespace

KTEST(powerpc_timebase, frequency_is_the_device_tree_value) {
  const timebase::FrequencyProperty& property = timebase::firmware_frequency_property();
  ASSERT_TRUE(property.length == 4 || property.length == 8);
  uint64_t from_tree = 0;
  for (uint32_t i = 0; i < property.length; ++i) from_tree = (from_tree << 8) | property.bytes[i];
  EXPECT_NE(arch_counter_frequency(), 0u);
  EXPECT_EQ(arch_counter_frequency(), from_tree);
  EXPECT_EQ(arch_counter_frequency(), PSERIES_TIMEBASE_HZ);
}

KTEST(powerpc_timebase, timebase_advances_between_reads) {
  uint64_t first = 0;
  uint64_t second = 0;
  asm volatile("mftb %0" : "=r"(first));
  timebase::spin(1000);
  asm volatile("mftb %0" : "=r"(second));
  EXPECT_GE(second - first, 1000u);
  EXPECT_GE(arch_counter_read(), second);
}
