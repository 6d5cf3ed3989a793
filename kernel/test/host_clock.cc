#include "kernel/test/host_clock.h"

#include "kernel/arch/timer.h"

namespace ktest {
namespace {

// One "~clock" line, its counter read after the line before it was written.
uint64_t report_counter(Sink& sink, uint64_t hz) {
  const uint64_t now = arch_counter_read();
  format(sink, "~clock %llu %llu\n", static_cast<unsigned long long>(now),
         static_cast<unsigned long long>(hz));
  return now;
}

}  // namespace

void report_clock_to_host(Sink& sink) {
  const uint64_t hz = arch_counter_frequency();
  report_counter(sink, hz);
  const uint64_t start = report_counter(sink, hz);
  const uint64_t ticks = hz / 1000 * HOST_CLOCK_WAIT_MS;
  while (arch_counter_read() - start < ticks) {
  }
  report_counter(sink, hz);
  report_counter(sink, hz);
}

}  // namespace ktest
