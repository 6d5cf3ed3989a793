// Host stand-in for the arch counter: CLOCK_MONOTONIC in nanoseconds.
#include <time.h>

#include "kernel/arch/timer.h"

uint64_t arch_counter_read() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + ts.tv_nsec;
}

uint64_t arch_counter_frequency() { return 1000000000u; }

bool arch_has_alarm_clocks() { return false; }
