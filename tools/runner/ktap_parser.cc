#include "tools/runner/ktap_parser.h"

#include <algorithm>
#include <utility>

#include "tools/runner/ktap_line.h"

namespace maplet::runner {
namespace {

// A test that prints without bound must not exhaust memory; the first lines say the most.
constexpr size_t MAX_DIAGNOSTICS = 200;

std::string number_name(int number) { return "#" + std::to_string(number); }

}  // namespace

struct KtapParser::Result {
  KtapLine line;
};

KtapParser::KtapParser(CaseCallback on_case) : m_on_case(std::move(on_case)) {}

void KtapParser::feed_line(std::string_view text) {
  if (m_finished) return;
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
  push_level(indent);
  m_levels.back().has_header = true;
}

void KtapParser::on_subtest(size_t indent, std::string_view name) {
  if (!m_started) return;
  size_t i = level_index(indent);
  if (i == 0 && indent <= m_levels[0].indent) {
    on_diagnostic(indent, std::string("Subtest: ") + std::string(name));
    return;
  }
  Level& level = m_levels[i];
  bool fresh = level.name.empty() && level.results == 0 && !level.plan;
  if (indent == level.indent && fresh && i + 1 == m_levels.size()) {
    level.name = std::string(name);
    return;
  }
  truncate_to(indent == level.indent ? i : i + 1,
              "a new sub-document started before this suite reported its result");
  push_level(indent);
  m_levels.back().name = std::string(name);
}

void KtapParser::on_plan(size_t indent, int count) {
  if (!m_started) return;
  size_t i = level_index(indent);
  if (indent > m_levels[i].indent) {
    truncate_to(i + 1, "a new sub-document started before this suite reported its result");
    push_level(indent);
    i = m_levels.size() - 1;
  } else {
    truncate_to(i + 1, "the enclosing document went on without this suite's result line");
  }
  Level& level = m_levels[i];
  if (level.plan && *level.plan != count) {
    m_warnings.push_back("suite '" + path_of(i) + "': second plan 1.." + std::to_string(count) +
                         " ignored, keeping 1.." + std::to_string(*level.plan));
    return;
  }
  level.plan = count;
}

void KtapParser::on_result(size_t indent, const Result& result) {
  if (!m_started) return;
  const KtapLine& line = result.line;
  size_t i = level_index(indent);
  if (indent > m_levels[i].indent) {
    // A result deeper than any open level: a sub-document without header or plan.
    truncate_to(i + 1, "a new sub-document started before this suite reported its result");
    push_level(indent);
    i = m_levels.size() - 1;
  }
  truncate_to(std::min(m_levels.size(), i + 2),
              "the enclosing suite reported its result before this one did");

  std::vector<std::string> diagnostics = std::move(m_levels[i].pending);
  m_levels[i].pending.clear();
  int child_cases = 0;
  int child_failures = 0;
  if (m_levels.size() == i + 2) {
    // This result line closes the sub-document that holds the suite's cases.
    Level& child = m_levels.back();
    if (child.name.empty() && !line.text.empty()) {
      std::string old_path = path_of(i + 1);
      child.name = line.text;
      std::string new_path = path_of(i + 1);
      for (size_t c = child.first_case; c < m_cases.size(); ++c) {
        std::string& suite = m_cases[c].suite;
        if (suite.starts_with(old_path)) suite = new_path + suite.substr(old_path.size());
      }
    } else if (!line.text.empty() && child.name != line.text) {
      m_warnings.push_back("suite '" + child.name + "' reported its result as '" + line.text + "'");
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
  int number = line.number != 0 ? line.number : level.last_number + 1;
  if (std::find(level.seen.begin(), level.seen.end(), number) != level.seen.end()) {
    m_warnings.push_back("suite '" + path_of(i) + "': test number " + std::to_string(number) +
                         " reported twice");
  } else if (number != level.last_number + 1) {
    m_warnings.push_back("suite '" + path_of(i) + "': expected test " +
                         std::to_string(level.last_number + 1) + ", got " + std::to_string(number));
  }
  level.seen.push_back(number);
  level.last_number = number;
  ++level.results;
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
  if (child_cases == 0) {
    emit(i, std::move(c));
  } else if (c.outcome == Outcome::kFail && child_failures == 0) {
    c.synthesized = true;
    c.diagnostics.insert(c.diagnostics.begin(),
                         "the suite reported 'not ok' although none of its cases failed");
    emit(i, std::move(c));
  }
}

void KtapParser::on_diagnostic(size_t indent, std::string_view text) {
  if (!m_started) return;
  size_t i = level_index(indent);
  auto& pending = m_levels[i].pending;
  if (pending.size() < MAX_DIAGNOSTICS) {
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

void KtapParser::push_level(size_t indent) {
  m_levels.push_back(Level{.indent = indent, .first_case = m_cases.size()});
}

void KtapParser::truncate_to(size_t keep, std::string_view why) {
  while (m_levels.size() > std::max<size_t>(keep, 1)) truncate_innermost(why);
}

void KtapParser::truncate_innermost(std::string_view why) {
  size_t index = m_levels.size() - 1;
  Level& level = m_levels[index];
  Level& parent = m_levels[index - 1];
  if (level.name.empty()) level.name = number_name(parent.last_number + 1);
  std::vector<std::string> context = level.pending;
  context.insert(context.begin(), std::string(why));
  int added = 0;
  if (level.plan) added = close_checks(index, why);
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
  ++parent.last_number;
  parent.seen.push_back(parent.last_number);
  ++parent.results;
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
  int planned = *level.plan;
  for (int n = 1; n <= planned; ++n) {
    if (std::find(level.seen.begin(), level.seen.end(), n) != level.seen.end()) continue;
    std::string message = "planned test #" + std::to_string(n) + " never reported a result";
    fail(index, suite, number_name(n), message, {std::string(why)});
    ++added;
  }
  if (level.results > planned) {
    fail(
        index, suite, "plan",
        std::to_string(level.results) + " results, but the plan said 1.." + std::to_string(planned),
        {});
    ++added;
  }
  return added;
}

int KtapParser::close_document(std::string_view why) {
  truncate_to(1, why);
  return close_checks(0, why);
}

void KtapParser::finish(std::string_view why, const std::vector<std::string>& context) {
  if (m_finished) return;
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
  std::string next = number_name(level.last_number + 1);
  std::string where = path.empty() ? next : path + "." + next;
  if (level.last_name.empty()) return where;
  return where + " (after " + (path.empty() ? "" : path + ".") + level.last_name + ")";
}

Tally KtapParser::tally() const {
  Tally tally;
  for (const auto& c : m_cases) tally.add(c.outcome);
  return tally;
}

std::string KtapParser::path_of(size_t index) const {
  std::string path;
  for (size_t i = 1; i <= index && i < m_levels.size(); ++i) {
    std::string name =
        m_levels[i].name.empty() ? number_name(m_levels[i - 1].last_number + 1) : m_levels[i].name;
    path += path.empty() ? name : "." + name;
  }
  return path;
}

std::string KtapParser::synthetic_suite(size_t index) const {
  std::string path = path_of(index);
  return path.empty() ? "ktap" : path;
}

void KtapParser::emit(size_t index, CaseResult result) {
  if (index != NO_LEVEL) {
    for (size_t i = 0; i <= index && i < m_levels.size(); ++i) {
      ++m_levels[i].cases;
      if (result.outcome == Outcome::kFail) ++m_levels[i].failures;
    }
  }
  m_cases.push_back(std::move(result));
  if (m_on_case) m_on_case(m_cases.back());
}

void KtapParser::fail(size_t index, std::string suite, std::string name, std::string message,
                      std::vector<std::string> diagnostics) {
  CaseResult c;
  c.suite = std::move(suite);
  c.name = std::move(name);
  c.outcome = Outcome::kFail;
  c.message = std::move(message);
  c.diagnostics = std::move(diagnostics);
  c.synthesized = true;
  emit(index, std::move(c));
}

}  // namespace maplet::runner
