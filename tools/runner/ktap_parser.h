#pragma once

// An incremental KTAP version 1 parser (Linux Documentation/dev-tools/ktap.rst, in the shape
// KUnit prints it: suites nested as indented sub-documents, 4 spaces per level; 2 also works,
// any deeper indent opens a level). It is fed one console line at a time as bytes arrive and
// reports every leaf result at once through a callback, so progress can be shown live.
//
//   KTAP version 1                      <- level 0 (the document)
//   1..2                                <- plan of level 0
//       KTAP version 1                  <- level 1 opens (deeper indent)
//       # Subtest: format               <- its name
//       1..3
//       # EXPECT_EQ failed at ...       <- diagnostics: belong to the next result
//       not ok 2 width                  <- leaf "format.width"
//   not ok 1 format                     <- closes level 1; "format" is a suite, not a leaf
//
// A result whose sub-document reported no cases is itself a leaf. Lines that are not KTAP
// (firmware noise, garbage) are ignored; lines before the first "KTAP version" are ignored, and
// noise glued in front of that header is tolerated. Whatever the stream fails to deliver is
// turned into synthesized failing cases: planned tests that never reported (one failure per gap
// in the numbers, named "#N" or "#N..#M"), a suite cut off with no plan, a missing top-level
// plan, no KTAP at all, or a second top-level header (the kernel restarted). A test number
// reported twice in one suite is one case: the worse verdict (fail, then skip, then pass) wins
// and a diagnostic says so.
//
// Memory stays bounded whatever the stream holds: warnings beyond MAX_WARNINGS are only counted,
// and once more than `Limits::max_results` result lines (duplicates included) or cases, or more
// than `Limits::max_bytes` of names and diagnostics, have been recorded, one failing case
// "ktap.limit" says so and every later line is ignored (limit_reached(); the caller should stop
// the kernel).

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/runner/test_result.h"

namespace maplet::runner {

// What one parser may record (see the comment at the top).
struct KtapLimits {
  size_t max_results = 100000;  // Result lines and recorded cases.
  size_t max_bytes = 16 << 20;  // Names, messages and diagnostic text kept.
};

class KtapParser {
 public:
  // The callback may fill in fields the parser leaves alone (`seconds`).
  using CaseCallback = std::function<void(CaseResult&)>;

  using Limits = KtapLimits;
  static constexpr size_t MAX_WARNINGS = 50;

  // `on_case` is called once per leaf case (reported or synthesized), in stream order, and
  // again for a case whose verdict a repeated test number made worse.
  explicit KtapParser(CaseCallback on_case = {}, Limits limits = {});

  // Feeds one line without its '\n'; a '\r' at either end is ignored.
  void feed_line(std::string_view line);

  // The stream is over (EOF, crash or timeout). `why` says how it ended; it is added to every
  // failure synthesized for tests that never ran. `context` (the console's last lines, say) is
  // appended to the first of them, after the callback has seen it, for the JUnit report.
  // Idempotent; lines fed afterwards are ignored.
  void finish(std::string_view why, const std::vector<std::string>& context = {});

  // A "KTAP version" header has been seen.
  [[nodiscard]] bool started() const { return m_started; }
  // The document ended properly: top-level plan present and satisfied, every suite closed, no
  // restart. Meaningful after finish().
  [[nodiscard]] bool complete() const { return m_complete; }
  // Where the stream is: "format.#3 (after format.width)", "format.#1", or "" when no test is
  // under way (before the header, or after the last planned result).
  [[nodiscard]] std::string current_test() const;

  [[nodiscard]] const std::vector<CaseResult>& cases() const { return m_cases; }
  [[nodiscard]] Tally tally() const;
  // Oddities that are not failures by themselves (results out of order, duplicate numbers):
  // the first MAX_WARNINGS of them, and how many more were only counted.
  [[nodiscard]] const std::vector<std::string>& warnings() const { return m_warnings; }
  [[nodiscard]] size_t suppressed_warnings() const { return m_suppressed_warnings; }
  // The stream exceeded the limits; "ktap.limit" has been recorded and input is ignored.
  [[nodiscard]] bool limit_reached() const { return m_limit_reached; }
  // The document was complete, planned no test at all ("1..0") and holds no case: the kernel
  // had nothing to run (a filter that matches nothing). Meaningful after finish().
  [[nodiscard]] bool planned_nothing() const;

 private:
  // A test number reported in a level: the leaf case it made (NO_CASE for a suite or a
  // cut-off sub-document), and whether a repeat has been noted on it.
  struct Reported {
    size_t case_index;
    bool repeated = false;
  };
  struct Level {
    size_t indent = 0;
    std::string name;  // From "# Subtest:"; "" until known.
    bool has_header = false;
    std::optional<int> plan;
    int last_number = 0;
    int results = 0;                   // Distinct test numbers reported.
    std::map<int, Reported> reported;  // By test number.
    std::string last_name;
    std::vector<std::string> pending;  // Diagnostics waiting for the next result.
    size_t first_case = 0;             // Index into m_cases of this level's first case.
    int cases = 0;                     // Leaf cases emitted inside this level, recursively.
    int failures = 0;
  };
  struct Result;

  void start_document(size_t indent);
  void on_version(size_t indent);
  void on_subtest(size_t indent, std::string_view name);
  void on_plan(size_t indent, int count);
  void on_result(size_t indent, const Result& result);
  void on_diagnostic(size_t indent, std::string_view text);
  // Merges a repeated test number into the case it first made.
  void on_repeat(size_t index, Reported& first, CaseResult repeat);

  // Index of the level a line at `indent` belongs to (deepest level not deeper than it).
  size_t level_index(size_t indent) const;
  // False when the byte limit refuses another level.
  bool push_level(size_t indent);
  // Pops levels until only `keep` remain, each closed as cut off (no result line).
  void truncate_to(size_t keep, std::string_view why);
  // Pops the innermost level, cut off; accounts for it in its parent.
  void truncate_innermost(std::string_view why);
  // Reports the planned-but-missing tests of level `index` and plan problems; returns the
  // number of failures added.
  int close_checks(size_t index, std::string_view why);
  // Closes the document after a restart or at the end of the stream.
  int close_document(std::string_view why);
  std::string path_of(size_t index) const;  // Dotted suite path of level `index`.
  std::string synthetic_suite(size_t index) const;
  // Records a case owned by level `index` (NO_LEVEL: none) and calls the callback. Returns
  // its index in m_cases, or NO_CASE when the limit dropped it.
  size_t emit(size_t index, CaseResult result);
  size_t fail(size_t index, std::string suite, std::string name, std::string message,
              std::vector<std::string> diagnostics);
  void warn(std::string text);
  // Counts `bytes` more of kept text; false (and the limit reached) when over budget.
  bool account(size_t bytes);
  void reach_limit(std::string message);

  static constexpr size_t NO_LEVEL = static_cast<size_t>(-1);
  static constexpr size_t NO_CASE = static_cast<size_t>(-1);

  CaseCallback m_on_case;
  Limits m_limits;
  std::vector<Level> m_levels;
  std::vector<CaseResult> m_cases;
  std::vector<std::string> m_warnings;
  size_t m_suppressed_warnings = 0;
  size_t m_result_lines = 0;
  size_t m_bytes = 0;
  bool m_limit_reached = false;
  bool m_started = false;
  bool m_finished = false;
  bool m_complete = false;
  bool m_restarted = false;
};

}  // namespace maplet::runner
