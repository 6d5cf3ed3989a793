#include "tools/runner/clock_check.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace maplet::runner {
namespace {

bool take_number(std::string_view& text, uint64_t* out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  if (ec != std::errc() || ptr == text.data()) return false;
  text.remove_prefix(static_cast<size_t>(ptr - text.data()));
  return true;
}

double seconds_between(ClockCheck::Clock::time_point from, ClockCheck::Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

std::string seconds_text(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", seconds);
  return buf;
}

}  // namespace

void ClockCheck::on_line(std::string_view text, Clock::time_point empty_at,
                         Clock::time_point read_at) {
  ++m_lines;
  Sample sample;
  sample.empty_at = empty_at;
  sample.read_at = read_at;
  std::string_view rest = text;
  bool ok = take_number(rest, &sample.counter) && rest.starts_with(" ");
  if (ok) {
    rest.remove_prefix(1);
    ok = take_number(rest, &sample.frequency) && rest.empty();
  }
  if (!ok) {
    if (m_malformed.empty()) m_malformed = std::string(text.substr(0, 100));
    return;
  }
  if (m_samples > 0) {
    if (sample.frequency != m_first[0].frequency && !m_other_frequency) {
      m_other_frequency = sample.frequency;
    }
    if (sample.counter < m_last[1].counter && !m_backwards) {
      m_backwards = std::pair(m_last[1].counter, sample.counter);
    }
  }
  if (m_samples < 2) m_first[m_samples] = sample;
  m_last[0] = m_last[1];
  m_last[1] = sample;
  ++m_samples;
}

CaseResult ClockCheck::verdict() const {
  CaseResult result;
  result.suite = "clock";
  result.name = "counter_matches_host_time";
  result.synthesized = true;
  auto fail = [&](std::string message) {
    result.outcome = Outcome::kFail;
    result.message = std::move(message);
    return result;
  };
  if (!m_malformed.empty()) {
    return fail("malformed ~clock line '" + m_malformed + "' (want ~clock <counter> <frequency>)");
  }
  if (m_lines < LINES) {
    return fail("the kernel printed " + std::to_string(m_lines) +
                " ~clock lines before its tests; " + std::to_string(LINES) +
                " are needed to check its counter");
  }
  const uint64_t frequency = m_first[0].frequency;
  if (frequency == 0 || m_other_frequency) {
    return fail("the ~clock lines give frequencies " + std::to_string(frequency) + " and " +
                std::to_string(m_other_frequency.value_or(frequency)) + " Hz");
  }
  if (m_backwards) {
    return fail("the counter went backwards, from " + std::to_string(m_backwards->first) + " to " +
                std::to_string(m_backwards->second));
  }
  // The counters of the second line and the last, and what the runner saw around them.
  const Sample& from = m_first[1];
  const Sample& to = m_last[1];
  const uint64_t ticks = to.counter - from.counter;
  const double guest = static_cast<double>(ticks) / static_cast<double>(frequency);
  const double least = std::max(0.0, seconds_between(from.read_at, m_last[0].empty_at));
  const double most = seconds_between(m_first[0].empty_at, to.read_at);
  std::string intervals = "guest counter " + seconds_text(guest) + " (" + std::to_string(ticks) +
                          " ticks at " + std::to_string(frequency) + " Hz), host clock " +
                          seconds_text(least) + " to " + seconds_text(most);
  if (guest < MIN_GUEST_SECONDS) {
    return fail("the interval between the ~clock lines is too short to judge: " + intervals);
  }
  if (least > guest * MAX_RATIO || most < guest / MAX_RATIO) {
    return fail("the counter disagrees with the host's clock by more than " +
                std::to_string(static_cast<int>(MAX_RATIO)) + "x: " + intervals);
  }
  result.outcome = Outcome::kPass;
  result.message = intervals;
  return result;
}

}  // namespace maplet::runner
