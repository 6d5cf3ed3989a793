// The timebase frequency the kernel reports is the device tree's. That the timebase runs at it
// is checked against the host's clock by the runner (kernel/test/host_clock.h).

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
