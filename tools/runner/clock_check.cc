#include "tools/runner/clock_check.h"

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

std::string seconds_text(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", seconds);
  return buf;
}

}  // namespace

void ClockCheck::on_line(std::string_view text, Clock::time_point arrival) {
  ++m_lines;
  Sample sample;
  sample.arrival = arrival;
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
  if (!m_first) m_first = sample;
  m_last = sample;
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
  if (!m_first || m_lines < 2) {
    return fail("the kernel printed " + std::to_string(m_lines) +
                " ~clock lines before its tests; 2 are needed to check its counter");
  }
  if (m_first->frequency == 0 || m_first->frequency != m_last->frequency) {
    return fail("the ~clock lines give frequencies " + std::to_string(m_first->frequency) +
                " and " + std::to_string(m_last->frequency) + " Hz");
  }
  if (m_last->counter < m_first->counter) {
    return fail("the counter went backwards, from " + std::to_string(m_first->counter) + " to " +
                std::to_string(m_last->counter));
  }
  double guest = static_cast<double>(m_last->counter - m_first->counter) /
                 static_cast<double>(m_first->frequency);
  double host = std::chrono::duration<double>(m_last->arrival - m_first->arrival).count();
  std::string intervals = "guest counter " + seconds_text(guest) + " (" +
                          std::to_string(m_last->counter - m_first->counter) + " ticks at " +
                          std::to_string(m_first->frequency) + " Hz), host clock " +
                          seconds_text(host);
  if (guest < MIN_GUEST_SECONDS) {
    return fail("the interval between the ~clock lines is too short to judge: " + intervals);
  }
  if (host > guest * MAX_RATIO || host < guest / MAX_RATIO) {
    return fail("the counter disagrees with the host's clock by more than " +
                std::to_string(static_cast<int>(MAX_RATIO)) + "x: " + intervals);
  }
  result.outcome = Outcome::kPass;
  result.message = intervals;
  return result;
}

}  // namespace maplet::runner
