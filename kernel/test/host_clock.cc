#include "kernel/test/host_clock.h"

#include "kernel/arch/timer.h"

namespace ktest {

void report_clock_to_host(Sink& sink) {
  const uint64_t hz = arch_counter_frequency();
  const uint64_t start = arch_counter_read();
  format(sink, "~clock %llu %llu\n", static_cast<unsigned long long>(start),
         static_cast<unsigned long long>(hz));
  const uint64_t ticks = hz / 1000 * HOST_CLOCK_WAIT_MS;
  uint64_t now = start;
  while (now - start < ticks) now = arch_counter_read();
  format(sink, "~clock %llu %llu\n", static_cast<unsigned long long>(now),
         static_cast<unsigned long long>(hz));
}

}  // namespace ktest
