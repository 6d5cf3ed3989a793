#include "tools/runner/ktap_parser.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "tools/runner/ktap_line.h"

namespace maplet::runner {
namespace {

// A test that prints without bound must not exhaust memory; the first lines say the most.
constexpr size_t MAX_DIAGNOSTICS = 200;
// What an open level costs besides its name, for the byte limit (a stream of ever deeper
// indents opens a level per line).
constexpr size_t LEVEL_COST = 256;

std::string number_name(int64_t number) { return "#" + std::to_string(number); }

// Fail is worse than skip, skip worse than pass.
int badness(Outcome outcome) {
  switch (outcome) {
    case Outcome::kPass:
      return 0;
    case Outcome::kSkip:
      return 1;
    case Outcome::kFail:
      return 2;
  }
  return 2;
}

}  // namespace

struct KtapParser::Result {
  KtapLine line;
};

KtapParser::KtapParser(CaseCallback on_case, Limits limits)
    : m_on_case(std::move(on_case)), m_limits(limits) {}

void KtapParser::feed_line(std::string_view text) {
  if (m_finished || m_limit_reached) return;
  bool noisy = false;
  KtapLine line = lex_ktap_line(text, &noisy);
  switch (line.kind) {
    case KtapLine::Kind::kVersion:
      on_version(line.indent);
      break;
    case KtapLine::Kind::kSubtest:
      on_subtest(line.indent, line.text);
      break;
    case KtapLine::Kind::kPlan:
      on_plan(line.indent, line.plan);
      break;
    case KtapLine::Kind::kResult:
      on_result(line.indent, Result{std::move(line)});
      break;
    case KtapLine::Kind::kDiagnostic:
      on_diagnostic(line.indent, line.text);
      break;
    case KtapLine::Kind::kUnknown:
      break;
  }
}

void KtapParser::start_document(size_t indent) {
  m_started = true;
  m_levels.clear();
  m_levels.push_back(Level{.indent = indent, .has_header = true, .first_case = m_cases.size()});
}

void KtapParser::on_version(size_t indent) {
  if (!m_started) {
    start_document(indent);
    return;
  }
  size_t i = level_index(indent);
  if (i == 0 && indent <= m_levels[0].indent) {
    // Only a reset makes the kernel print the top-level header twice.
    close_document("the console started a new top-level KTAP document before this one ended");
    m_restarted = true;
    fail(NO_LEVEL, "ktap", "restarted",
         "a second top-level 'KTAP version' line: the kernel restarted (crash or reset?)", {});
    start_document(indent);
    return;
  }
  Level& level = m_levels[i];
  bool fresh = !level.has_header && level.results == 0 && !level.plan;
  if (indent == level.indent && fresh && i + 1 == m_levels.size()) {
    level.has_header = true;  // "# Subtest:" came first, as older KUnit prints it.
    return;
  }
  truncate_to(indent == level.indent ? i : i + 1,
              "a new sub-document started before this suite reported its result");
  if (m_limit_reached || !push_level(indent)) return;
  m_levels.back().has_header = true;
}

void KtapParser::on_subtest(size_t indent, std::string_view name) {
  if (!m_started) return;
  size_t i = level_index(indent);
  if (i == 0 && indent <= m_levels[0].indent) {
    on_diagnostic(indent, std::string("Subtest: ") + std::string(name));
    return;
  }
  if (!account(name.size())) return;
  Level& level = m_levels[i];
  bool fresh = level.name.empty() && level.results == 0 && !level.plan;
  if (indent == level.indent && fresh && i + 1 == m_levels.size()) {
    level.name = std::string(name);
    return;
  }
  truncate_to(indent == level.indent ? i : i + 1,
              "a new sub-document started before this suite reported its result");
  if (m_limit_reached || !push_level(indent)) return;
  m_levels.back().name = std::string(name);
}

void KtapParser::on_plan(size_t indent, int count) {
  if (!m_started) return;
  size_t i = level_index(indent);
  if (indent > m_levels[i].indent) {
    truncate_to(i + 1, "a new sub-document started before this suite reported its result");
    if (m_limit_reached || !push_level(indent)) return;
    i = m_levels.size() - 1;
  } else {
    truncate_to(i + 1, "the enclosing document went on without this suite's result line");
  }
  if (m_limit_reached) return;
  Level& level = m_levels[i];
  if (level.plan && *level.plan != count) {
    warn("suite '" + path_of(i) + "': second plan 1.." + std::to_string(count) +
         " ignored, keeping 1.." + std::to_string(*level.plan));
    return;
  }
  level.plan = count;
}

void KtapParser::on_result(size_t indent, const Result& result) {
  if (!m_started) return;
  if (++m_result_lines > m_limits.max_results) {
    reach_limit("the kernel reported more than " + std::to_string(m_limits.max_results) +
                " test results; the runner stopped reading (a flood?)");
    return;
  }
  const KtapLine& line = result.line;
  size_t i = level_index(indent);
  if (indent > m_levels[i].indent) {
    // A result deeper than any open level: a sub-document without header or plan.
    truncate_to(i + 1, "a new sub-document started before this suite reported its result");
    if (m_limit_reached || !push_level(indent)) return;
    i = m_levels.size() - 1;
  }
  truncate_to(std::min(m_levels.size(), i + 2),
              "the enclosing suite reported its result before this one did");
  if (m_limit_reached) return;

  std::vector<std::string> diagnostics = std::move(m_levels[i].pending);
  m_levels[i].pending.clear();
  int child_cases = 0;
  int child_failures = 0;
  if (m_levels.size() == i + 2) {
    // This result line closes the sub-document that holds the suite's cases.
    Level& child = m_levels.back();
    if (child.name.empty() && !line.text.empty()) {
      if (!account(line.text.size())) return;
      std::string old_path = path_of(i + 1);
      child.name = line.text;
      std::string new_path = path_of(i + 1);
      for (size_t c = child.first_case; c < m_cases.size(); ++c) {
        std::string& suite = m_cases[c].suite;
        if (suite.starts_with(old_path)) suite = new_path + suite.substr(old_path.size());
      }
    } else if (!line.text.empty() && child.name != line.text) {
      warn("suite '" + child.name + "' reported its result as '" + line.text + "'");
    }
    close_checks(i + 1, "the suite reported its result before all its planned tests ran");
    child_cases = child.cases;
    child_failures = child.failures;
    for (auto& d : child.pending) {
      if (diagnostics.size() < MAX_DIAGNOSTICS) diagnostics.push_back(std::move(d));
    }
    m_levels.pop_back();
  }

  Level& level = m_levels[i];
  // A result without a number after the largest one saturates rather than overflows.
  int number = line.number != 0
                   ? line.number
                   : static_cast<int>(std::min<int64_t>(int64_t{level.last_number} + 1, INT32_MAX));
  auto repeated = level.reported.find(number);
  if (repeated != level.reported.end()) {
    warn("suite '" + path_of(i) + "': test number " + std::to_string(number) + " reported twice");
  } else if (int64_t{number} != int64_t{level.last_number} + 1) {
    warn("suite '" + path_of(i) + "': expected test " +
         std::to_string(int64_t{level.last_number} + 1) + ", got " + std::to_string(number));
  }
  level.last_number = number;
  std::string name = line.text.empty() ? number_name(number) : line.text;
  level.last_name = name;

  CaseResult c;
  c.suite = path_of(i);
  c.name = name;
  c.number = number;
  c.diagnostics = std::move(diagnostics);
  if (line.skip || line.todo) {
    c.outcome = Outcome::kSkip;
    c.message = line.todo ? "TODO" + (line.reason.empty() ? "" : ": " + line.reason) : line.reason;
  } else if (line.ok) {
    c.outcome = Outcome::kPass;
  } else {
    c.outcome = Outcome::kFail;
    c.message = c.diagnostics.empty() ? "not ok" : c.diagnostics.front();
  }
  if (repeated != level.reported.end()) {
    // Counted once: a leaf merges into the case the number made first; a suite's cases have
    // already been counted on their own.
    if (child_cases == 0 && repeated->second.case_index != NO_CASE) {
      on_repeat(i, repeated->second, std::move(c));
    }
    return;
  }
  ++level.results;
  size_t index = NO_CASE;
  if (child_cases == 0) {
    index = emit(i, std::move(c));
  } else if (c.outcome == Outcome::kFail && child_failures == 0) {
    c.synthesized = true;
    c.diagnostics.insert(c.diagnostics.begin(),
                         "the suite reported 'not ok' although none of its cases failed");
    index = emit(i, std::move(c));
  }
  // emit() may have hit the limit, which leaves the levels as they are.
  m_levels[i].reported.emplace(number, Reported{index});
}

void KtapParser::on_repeat(size_t index, Reported& first, CaseResult repeat) {
  CaseResult& c = m_cases[first.case_index];
  if (!first.repeated) {
    first.repeated = true;
    c.diagnostics.push_back("test number " + std::to_string(c.number) +
                            " was reported more than once; the worse verdict counts");
  }
  if (badness(repeat.outcome) <= badness(c.outcome)) return;
  if (repeat.outcome == Outcome::kFail) {
    for (size_t i = 0; i <= index && i < m_levels.size(); ++i) ++m_levels[i].failures;
  }
  c.outcome = repeat.outcome;
  c.message = std::move(repeat.message);
  for (auto& d : repeat.diagnostics) {
    if (c.diagnostics.size() < MAX_DIAGNOSTICS) c.diagnostics.push_back(std::move(d));
  }
  if (m_on_case) m_on_case(c);
}

void KtapParser::on_diagnostic(size_t indent, std::string_view text) {
  if (!m_started) return;
  size_t i = level_index(indent);
  auto& pending = m_levels[i].pending;
  if (pending.size() < MAX_DIAGNOSTICS) {
    if (!account(text.size())) return;
    pending.emplace_back(text);
  } else if (pending.size() == MAX_DIAGNOSTICS) {
    pending.emplace_back("(further diagnostic lines dropped)");
  }
}

size_t KtapParser::level_index(size_t indent) const {
  for (size_t i = m_levels.size(); i-- > 0;) {
    if (m_levels[i].indent <= indent) return i;
  }
  return 0;
}

bool KtapParser::push_level(size_t indent) {
  if (!account(LEVEL_COST)) return false;
  m_levels.push_back(Level{.indent = indent, .first_case = m_cases.size()});
  return true;
}

void KtapParser::truncate_to(size_t keep, std::string_view why) {
  while (!m_limit_reached && m_levels.size() > std::max<size_t>(keep, 1)) truncate_innermost(why);
}

void KtapParser::truncate_innermost(std::string_view why) {
  size_t index = m_levels.size() - 1;
  Level& level = m_levels[index];
  Level& parent = m_levels[index - 1];
  if (level.name.empty()) level.name = number_name(int64_t{parent.last_number} + 1);
  std::vector<std::string> context = level.pending;
  context.insert(context.begin(), std::string(why));
  int added = 0;
  if (level.plan) added = close_checks(index, why);
  if (m_limit_reached) return;
  if (added == 0) {
    std::string summary =
        level.plan ? "suite cut off before its result line"
                   : "suite cut off after " + std::to_string(level.results) +
                         " result(s) and no plan, so the number of tests that never ran is unknown";
    fail(index, path_of(index - 1), level.name, summary, std::move(context));
  } else if (!context.empty()) {
    // The first missing test carries the console's last words (a trap banner, say).
    auto& first = m_cases[m_cases.size() - static_cast<size_t>(added)];
    first.diagnostics.insert(first.diagnostics.end(), context.begin() + 1, context.end());
  }
  if (parent.last_number < INT32_MAX) ++parent.last_number;
  if (parent.reported.emplace(parent.last_number, Reported{NO_CASE}).second) ++parent.results;
  parent.last_name = level.name;
  m_levels.pop_back();
}

int KtapParser::close_checks(size_t index, std::string_view why) {
  Level& level = m_levels[index];
  std::string suite = synthetic_suite(index);
  int added = 0;
  if (!level.plan) {
    if (index == 0 || level.results > 0) {
      fail(index, suite, "plan", "no test plan ('1..N') in the KTAP output",
           {"the tests that never ran cannot be counted", std::string(why)});
      ++added;
    }
    return added;
  }
  int64_t planned = *level.plan;
  // One failure per gap in the reported numbers, so a plan of 1..2000000000 costs one case.
  auto gap = [&](int64_t from, int64_t to) {
    std::string name = number_name(from);
    std::string message = "planned test " + name + " never reported a result";
    if (to > from) {
      name += ".." + number_name(to);
      message = "planned tests " + name + " (" + std::to_string(to - from + 1) +
                " tests) never reported a result";
    }
    if (fail(index, suite, name, message, {std::string(why)}) != NO_CASE) ++added;
  };
  int64_t next = 1;  // The first number not yet accounted for.
  for (const auto& [number, reported] : m_levels[index].reported) {
    if (m_limit_reached || number > planned) break;
    if (number > next) gap(next, number - 1);
    next = std::max<int64_t>(next, int64_t{number} + 1);
  }
  if (!m_limit_reached && next <= planned) gap(next, planned);
  if (!m_limit_reached && m_levels[index].results > planned) {
    std::string message = std::to_string(m_levels[index].results) +
                          " results, but the plan said 1.." + std::to_string(planned);
    if (fail(index, suite, "plan", message, {}) != NO_CASE) ++added;
  }
  return added;
}

int KtapParser::close_document(std::string_view why) {
  truncate_to(1, why);
  return close_checks(0, why);
}

void KtapParser::finish(std::string_view why, const std::vector<std::string>& context) {
  if (m_finished) return;
  if (m_limit_reached) {
    // The runner cut the stream short: what did not arrive is not the kernel's failure.
    auto& diagnostics = m_cases.back().diagnostics;
    diagnostics.insert(diagnostics.end(), context.begin(), context.end());
    m_finished = true;
    return;
  }
  size_t first_new = m_cases.size();
  if (!m_started) {
    fail(NO_LEVEL, "ktap", "no_output", "no 'KTAP version 1' header on the console",
         {std::string(why)});
  } else {
    bool clean = m_levels.size() == 1;
    int added = close_document(why);
    m_complete = clean && added == 0 && !m_restarted;
  }
  if (first_new < m_cases.size()) {
    auto& diagnostics = m_cases[first_new].diagnostics;
    diagnostics.insert(diagnostics.end(), context.begin(), context.end());
  }
  m_finished = true;
}

std::string KtapParser::current_test() const {
  if (!m_started || m_finished) return "";
  size_t index = m_levels.size() - 1;
  const Level& level = m_levels[index];
  if (level.plan && level.last_number >= *level.plan) {
    return index == 0 ? "" : path_of(index);
  }
  std::string path = path_of(index);
  std::string next = number_name(int64_t{level.last_number} + 1);
  std::string where = path.empty() ? next : path + "." + next;
  if (level.last_name.empty()) return where;
  return where + " (after " + (path.empty() ? "" : path + ".") + level.last_name + ")";
}

bool KtapParser::planned_nothing() const {
  return m_complete && !m_levels.empty() && m_levels[0].plan == 0 && m_cases.empty();
}

Tally KtapParser::tally() const {
  Tally tally;
  for (const auto& c : m_cases) tally.add(c.outcome);
  return tally;
}

std::string KtapParser::path_of(size_t index) const {
  std::string path;
  for (size_t i = 1; i <= index && i < m_levels.size(); ++i) {
    std::string name = m_levels[i].name.empty()
                           ? number_name(int64_t{m_levels[i - 1].last_number} + 1)
                           : m_levels[i].name;
    path += path.empty() ? name : "." + name;
  }
  return path;
}

std::string KtapParser::synthetic_suite(size_t index) const {
  std::string path = path_of(index);
  return path.empty() ? "ktap" : path;
}

size_t KtapParser::emit(size_t index, CaseResult result) {
  if (m_limit_reached) return NO_CASE;
  if (m_cases.size() >= m_limits.max_results) {
    reach_limit("the kernel's output makes more than " + std::to_string(m_limits.max_results) +
                " test cases; the runner stopped reading (a flood?)");
    return NO_CASE;
  }
  if (!account(result.suite.size() + result.name.size() + result.message.size())) return NO_CASE;
  if (index != NO_LEVEL) {
    for (size_t i = 0; i <= index && i < m_levels.size(); ++i) {
      ++m_levels[i].cases;
      if (result.outcome == Outcome::kFail) ++m_levels[i].failures;
    }
  }
  m_cases.push_back(std::move(result));
  if (m_on_case) m_on_case(m_cases.back());
  return m_cases.size() - 1;
}

size_t KtapParser::fail(size_t index, std::string suite, std::string name, std::string message,
                        std::vector<std::string> diagnostics) {
  return emit(index, synthesized_failure(std::move(suite), std::move(name), std::move(message),
                                         std::move(diagnostics)));
}

void KtapParser::warn(std::string text) {
  if (m_warnings.size() < MAX_WARNINGS) {
    m_warnings.push_back(std::move(text));
  } else {
    ++m_suppressed_warnings;
  }
}

bool KtapParser::account(size_t bytes) {
  if (m_limit_reached) return false;
  m_bytes += bytes;
  if (m_bytes <= m_limits.max_bytes) return true;
  reach_limit("the kernel's output holds more than " + std::to_string(m_limits.max_bytes) +
              " bytes of test names and diagnostics; the runner stopped reading (a flood?)");
  return false;
}

void KtapParser::reach_limit(std::string message) {
  if (m_limit_reached) return;
  m_limit_reached = true;
  m_cases.push_back(
      synthesized_failure("ktap", "limit", std::move(message),
                          {"the runner records at most " + std::to_string(m_limits.max_results) +
                           " results and " + std::to_string(m_limits.max_bytes) +
                           " bytes of text per arch, so that no output can exhaust its memory"}));
  if (m_on_case) m_on_case(m_cases.back());
}

}  // namespace maplet::runner
