// The guest-counter-against-host-clock check, with made-up times at which the runner found the
// console pipe empty and read each line.

#include "tools/runner/clock_check.h"

#include <gtest/gtest.h>

namespace maplet::runner {
namespace {

using Clock = ClockCheck::Clock;
using std::chrono::milliseconds;

struct Line {
  const char* text;
  int empty_ms;  // The last time the pipe was found empty before the line's read.
  int read_ms;   // When the read that brought the line returned.
};

CaseResult check(std::initializer_list<Line> lines) {
  ClockCheck clock;
  Clock::time_point base{};
  for (const Line& line : lines) {
    clock.on_line(line.text, base + milliseconds(line.empty_ms), base + milliseconds(line.read_ms));
  }
  return clock.verdict();
}

// The four lines of a kernel whose counter runs at `hz` (the frequency it claims is 1000 Hz),
// read by a runner that found the pipe empty `lag_ms` before each line arrived and read it at
// once; the kernel waits 500 counter ticks between the second line and the third.
CaseResult kernel_at(int hz, int lag_ms) {
  const int wait_ms = 500 * 1000 / hz;
  return check({{"0 1000", -lag_ms, 0},
                {"1 1000", -lag_ms, 0},
                {"501 1000", wait_ms - lag_ms, wait_ms},
                {"502 1000", wait_ms - lag_ms, wait_ms}});
}

TEST(ClockCheck, AgreeingIntervalsPass) {
  CaseResult r = check({{"1000 512000000", -10, 0},
                        {"2000 512000000", 0, 1},
                        {"256002000 512000000", 490, 500},
                        {"256003000 512000000", 500, 510}});
  EXPECT_EQ(full_name(r), "clock.counter_matches_host_time");
  EXPECT_EQ(r.outcome, Outcome::kPass) << r.message;
  EXPECT_EQ(r.message,
            "guest counter 0.500 s (256001000 ticks at 512000000 Hz), host clock 0.489 s to "
            "0.520 s");
  EXPECT_EQ(kernel_at(1000, 10).outcome, Outcome::kPass);
  // Only the first two and the last two lines count.
  EXPECT_EQ(check({{"0 1000", -5, 0},
                   {"1 1000", -5, 0},
                   {"100 1000", 50, 60},
                   {"501 1000", 495, 500},
                   {"502 1000", 495, 500}})
                .outcome,
            Outcome::kPass);
}

TEST(ClockCheck, AStalledHostPasses) {
  // The runner did not look at the pipe for seconds: all four lines came in one read.
  EXPECT_EQ(check({{"0 1000", -10, 3000},
                   {"1 1000", -10, 3000},
                   {"501 1000", -10, 3000},
                   {"502 1000", -10, 3000}})
                .outcome,
            Outcome::kPass);
  // The first two lines came late, the last two on time: the old check saw 0.1 s pass.
  EXPECT_EQ(check({{"0 1000", -10, 400},
                   {"1 1000", -10, 400},
                   {"501 1000", 490, 500},
                   {"502 1000", 490, 500}})
                .outcome,
            Outcome::kPass);
  // The last two came a second late: the old check saw 1.5 s pass.
  EXPECT_EQ(check({{"0 1000", -10, 0},
                   {"1 1000", -10, 0},
                   {"501 1000", 490, 1500},
                   {"502 1000", 490, 1500}})
                .outcome,
            Outcome::kPass);
}

TEST(ClockCheck, WrongFrequencyFails) {
  // The kernel believes 1 GHz, but the counter advanced 16x too little for the host's time:
  // a 62.5 MHz counter read with the wrong frequency.
  CaseResult r = check({{"0 1000000000", -10, 0},
                        {"1000 1000000000", 0, 1},
                        {"500001000 1000000000", 7990, 8000},
                        {"500002000 1000000000", 8000, 8001}});
  EXPECT_EQ(r.outcome, Outcome::kFail);
  EXPECT_EQ(r.message,
            "the counter disagrees with the host's clock by more than 2x: guest counter 0.500 s "
            "(500001000 ticks at 1000000000 Hz), host clock 7.989 s to 8.011 s");
  // Slower or faster than its frequency says, by more than 2x, with a sharp runner.
  EXPECT_EQ(kernel_at(450, 10).outcome, Outcome::kFail);
  EXPECT_EQ(kernel_at(2200, 10).outcome, Outcome::kFail);
  EXPECT_EQ(kernel_at(550, 10).outcome, Outcome::kPass);
  EXPECT_EQ(kernel_at(1800, 10).outcome, Outcome::kPass);
}

TEST(ClockCheck, BadOrMissingLinesFail) {
  struct Case {
    std::initializer_list<Line> lines;
    const char* message;
  };
  const Case cases[] = {
      {{}, "the kernel printed 0 ~clock lines before its tests; 4 are needed"},
      {{{"0 1000", 0, 0}, {"1 1000", 0, 0}, {"500 1000", 0, 500}},
       "the kernel printed 3 ~clock lines"},
      {{{"0 1000", 0, 0}, {"1 1000", 0, 0}, {"x 1000", 0, 500}, {"501 1000", 0, 500}},
       "malformed ~clock line 'x 1000'"},
      {{{"0 1000", 0, 0}, {"1 1000", 0, 0}, {"500 1000 7", 0, 500}, {"501 1000", 0, 500}},
       "malformed ~clock line '500 1000 7'"},
      {{{"0", 0, 0}, {"1 1000", 0, 0}, {"500 1000", 0, 500}, {"501 1000", 0, 500}},
       "malformed ~clock line '0'"},
      {{{"0 1000", 0, 0}, {"1 1000", 0, 0}, {"500 2000", 0, 500}, {"501 1000", 0, 500}},
       "the ~clock lines give frequencies 1000 and 2000 Hz"},
      {{{"0 0", 0, 0}, {"1 0", 0, 0}, {"500 0", 0, 500}, {"501 0", 0, 500}},
       "the ~clock lines give frequencies 0 and 0 Hz"},
      {{{"900 1000", 0, 0}, {"901 1000", 0, 0}, {"400 1000", 0, 500}, {"401 1000", 0, 500}},
       "the counter went backwards, from 901 to 400"},
      {{{"0 1000", 0, 0}, {"1 1000", 0, 0}, {"50 1000", 40, 50}, {"51 1000", 40, 50}},
       "the interval between the ~clock lines is too short"},
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
