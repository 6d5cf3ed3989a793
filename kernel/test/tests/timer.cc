// The arch counter: monotonic, advancing, with a plausible frequency. Whether it runs at that
// frequency is checked against the host's clock by the runner (kernel/test/host_clock.h).

#include "kernel/arch/timer.h"
#include "kernel/test/test.h"

KTEST(timer, frequency_is_plausible) {
  const uint64_t hz = arch_counter_frequency();
  // Real timers run between 1 MHz (the slowest arm generic timers) and a few GHz.
  EXPECT_GE(hz, 1000000u);
  EXPECT_LE(hz, 10000000000u);
}

KTEST(timer, counter_is_monotonic_and_advances) {
  uint64_t previous = arch_counter_read();
  const uint64_t first = previous;
  for (int i = 0; i < 100000; i++) {
    const uint64_t now = arch_counter_read();
    ASSERT_GE(now, previous);
    previous = now;
  }
  // 100000 reads take far longer than one tick of any counter above 1 MHz.
  EXPECT_GT(previous, first);
}
