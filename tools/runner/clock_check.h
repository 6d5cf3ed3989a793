#pragma once

// Checks the guest's counter against the host's clock. Before its tests the kernel prints
//   ~clock <counter> <frequency>
// twice, busy-waits about half a second by its own counter, and prints the line twice again
// (decimal values of arch_counter_read() and arch_counter_frequency(); each line's counter is
// read after the line before it was written). That catches a wrong frequency (a counter read at
// the wrong rate), not a slow machine: QEMU's counters follow the host's clock.
//
// A loaded host may stall QEMU and the runner for any time, so a line's arrival says little of
// when its counter was read. What holds however long they stall: a counter was read before its
// line reached the pipe, so before the runner's read that brought the line ended; and after the
// line before it reached the pipe, so after the last time the runner found the pipe empty before
// reading that line. From lines 1..4 this bounds the host's time between the counters of lines
// 2 and 4 from below (line 3's empty time to line 2's read) and from above (line 4's read to line
// 1's empty time). The guest's interval (counter ticks / frequency) must lie within a factor of
// MAX_RATIO of those bounds: the lower bound at most MAX_RATIO times the guest's interval, the
// upper bound at least 1/MAX_RATIO of it. A stall only widens the bounds; the check is sharp when
// the runner looks at the pipe often while the kernel waits (ArchSession probes it every
// CLOCK_PROBE_INTERVAL until the lines are in).
//
// The result is the case clock.counter_matches_host_time. It fails when fewer than LINES lines
// arrived, a line is malformed, the frequencies differ or are 0, the counter went backwards,
// the guest's interval is under MIN_GUEST_SECONDS (too short to judge), or the intervals
// disagree. With more than LINES lines, the first two and the last two count.

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
  static constexpr int LINES = 4;

  // `text` is the line after "~clock "; `empty_at` the last time the runner found the console
  // pipe empty before the read that brought the line's end; `read_at` when that read returned.
  void on_line(std::string_view text, Clock::time_point empty_at, Clock::time_point read_at);

  [[nodiscard]] int lines() const { return m_lines; }
  [[nodiscard]] CaseResult verdict() const;

 private:
  struct Sample {
    uint64_t counter = 0;
    uint64_t frequency = 0;
    Clock::time_point empty_at;
    Clock::time_point read_at;
  };

  int m_lines = 0;
  std::string m_malformed;                    // The first malformed line, if any.
  int m_samples = 0;                          // Well-formed lines.
  Sample m_first[2];                          // The first two well-formed lines.
  Sample m_last[2];                           // The last two, the latest in m_last[1].
  std::optional<uint64_t> m_other_frequency;  // A frequency other than the first line's.
  std::optional<std::pair<uint64_t, uint64_t>> m_backwards;  // A counter that went back.
};

}  // namespace maplet::runner
