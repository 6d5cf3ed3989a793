#pragma once

// Checks the guest's counter against the host's clock. Before its tests the kernel prints
//   ~clock <counter> <frequency>
// busy-waits about half a second by its own counter, and prints the line again (decimal
// values of arch_counter_read() and arch_counter_frequency()). The runner timestamps each line
// as it arrives; the guest's interval (counter ticks / frequency) must agree with the host's
// within a factor of MAX_RATIO. That catches a wrong frequency (a counter read at the wrong
// rate), not a slow machine: QEMU's counters follow the host's clock, and the wide factor
// absorbs the time a loaded host takes to pass a line through the serial pipe.
//
// The result is the case clock.counter_matches_host_time. It fails when fewer than two lines
// arrived, a line is malformed, the frequencies differ or are 0, the counter went backwards,
// the guest's interval is under MIN_GUEST_SECONDS (too short to judge), or the intervals
// disagree.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tools/runner/test_result.h"

namespace maplet::runner {

class ClockCheck {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr double MAX_RATIO = 2.0;
  static constexpr double MIN_GUEST_SECONDS = 0.1;

  // `text` is the line after "~clock "; `arrival` when the runner read it.
  void on_line(std::string_view text, Clock::time_point arrival);

  [[nodiscard]] int lines() const { return m_lines; }
  [[nodiscard]] CaseResult verdict() const;

 private:
  struct Sample {
    uint64_t counter = 0;
    uint64_t frequency = 0;
    Clock::time_point arrival;
  };

  int m_lines = 0;
  std::string m_malformed;  // The first malformed line, if any.
  std::optional<Sample> m_first;
  std::optional<Sample> m_last;
};

}  // namespace maplet::runner
