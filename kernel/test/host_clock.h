// Lets the host runner check the arch counter against its own clock: prints
// "~clock <counter> <frequency>" (decimal arch_counter_read() and arch_counter_frequency())
// twice, busy-waits HOST_CLOCK_WAIT_MS by the counter, and prints the line twice again, each
// counter read after the line before it was written. The runner bounds the host's time between
// the second and the fourth counter by when it found the console empty and when it read each
// line, and fails clock.counter_matches_host_time when the guest's interval lies outside those
// bounds (tools/runner/clock_check.h). No kernel test can do this: every clock it has is the
// counter.
#pragma once

#include "kernel/lib/format.h"

namespace ktest {

inline constexpr unsigned HOST_CLOCK_WAIT_MS = 500;

void report_clock_to_host(Sink& sink);

}  // namespace ktest
