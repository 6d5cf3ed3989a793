// The guest-counter-against-host-clock check, with made-up arrival times.

#include "tools/runner/clock_check.h"

#include <gtest/gtest.h>

namespace maplet::runner {
namespace {

using Clock = ClockCheck::Clock;
using std::chrono::milliseconds;

CaseResult check(std::initializer_list<std::pair<const char*, int>> lines) {
  ClockCheck clock;
  Clock::time_point base{};
  for (const auto& [text, at_ms] : lines) clock.on_line(text, base + milliseconds(at_ms));
  return clock.verdict();
}

TEST(ClockCheck, AgreeingIntervalsPass) {
  CaseResult r = check({{"1000 512000000", 0}, {"256001000 512000000", 520}});
  EXPECT_EQ(full_name(r), "clock.counter_matches_host_time");
  EXPECT_EQ(r.outcome, Outcome::kPass) << r.message;
  EXPECT_EQ(r.message,
            "guest counter 0.500 s (256000000 ticks at 512000000 Hz), host clock 0.520 s");
  // Within the factor of 2 either way, as a loaded host may deliver a line late.
  EXPECT_EQ(check({{"0 1000", 0}, {"500 1000", 990}}).outcome, Outcome::kPass);
  EXPECT_EQ(check({{"0 1000", 0}, {"500 1000", 260}}).outcome, Outcome::kPass);
  // Only the first and the last line count.
  EXPECT_EQ(check({{"0 1000", 0}, {"100 1000", 5}, {"500 1000", 500}}).outcome, Outcome::kPass);
}

TEST(ClockCheck, WrongFrequencyFails) {
  // The kernel believes 1 GHz, but the counter advanced 16x too little for the host's second:
  // a 62.5 MHz counter read with the wrong frequency.
  CaseResult r = check({{"0 1000000000", 0}, {"500000000 1000000000", 8000}});
  EXPECT_EQ(r.outcome, Outcome::kFail);
  EXPECT_EQ(r.message,
            "the counter disagrees with the host's clock by more than 2x: guest counter 0.500 s "
            "(500000000 ticks at 1000000000 Hz), host clock 8.000 s");
  EXPECT_EQ(check({{"0 1000", 0}, {"500 1000", 1010}}).outcome, Outcome::kFail);
  EXPECT_EQ(check({{"0 1000", 0}, {"500 1000", 240}}).outcome, Outcome::kFail);
}

TEST(ClockCheck, BadOrMissingLinesFail) {
  struct Case {
    std::initializer_list<std::pair<const char*, int>> lines;
    const char* message;
  };
  const Case cases[] = {
      {{}, "the kernel printed 0 ~clock lines before its tests; 2 are needed"},
      {{{"0 1000", 0}}, "the kernel printed 1 ~clock lines"},
      {{{"0 1000", 0}, {"x 1000", 500}}, "malformed ~clock line 'x 1000'"},
      {{{"0 1000", 0}, {"500 1000 7", 500}}, "malformed ~clock line '500 1000 7'"},
      {{{"0", 0}, {"500 1000", 500}}, "malformed ~clock line '0'"},
      {{{"0 1000", 0}, {"500 2000", 500}}, "the ~clock lines give frequencies 1000 and 2000 Hz"},
      {{{"0 0", 0}, {"500 0", 500}}, "the ~clock lines give frequencies 0 and 0 Hz"},
      {{{"900 1000", 0}, {"400 1000", 500}}, "the counter went backwards, from 900 to 400"},
      {{{"0 1000", 0}, {"50 1000", 50}}, "the interval between the ~clock lines is too short"},
  };
  for (const auto& c : cases) {
    CaseResult r = check(c.lines);
    EXPECT_EQ(r.outcome, Outcome::kFail) << c.message;
    EXPECT_EQ(r.message.rfind(c.message, 0), 0u) << r.message;
    EXPECT_TRUE(r.synthesized);
  }
}

}  // namespace
}  // namespace maplet::runner
