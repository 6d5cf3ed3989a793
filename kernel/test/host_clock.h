// Lets the host runner check the arch counter against its own clock: prints
// "~clock <counter> <frequency>" (decimal arch_counter_read() and arch_counter_frequency()),
// busy-waits HOST_CLOCK_WAIT_MS by the counter, and prints the line again. The runner times the
// two lines' arrival and fails clock.counter_matches_host_time when the intervals disagree
// (tools/runner/clock_check.h). No kernel test can do this: every clock it has is the counter.
#pragma once

#include "kernel/lib/format.h"

namespace ktest {

inline constexpr unsigned HOST_CLOCK_WAIT_MS = 500;

void report_clock_to_host(Sink& sink);

}  // namespace ktest
