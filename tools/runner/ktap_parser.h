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
// turned into synthesized failing cases: planned tests that never reported (one failure each,
// named "#N"), a suite cut off with no plan, a missing top-level plan, no KTAP at all, or a
// second top-level header (the kernel restarted).

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/runner/test_result.h"

namespace maplet::runner {

class KtapParser {
 public:
  // The callback may fill in fields the parser leaves alone (`seconds`).
  using CaseCallback = std::function<void(CaseResult&)>;

  // `on_case` is called once per leaf case (reported or synthesized), in stream order.
  explicit KtapParser(CaseCallback on_case = {});

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
  // Oddities that are not failures by themselves (results out of order, duplicate numbers).
  [[nodiscard]] const std::vector<std::string>& warnings() const { return m_warnings; }

 private:
  struct Level {
    size_t indent = 0;
    std::string name;  // From "# Subtest:"; "" until known.
    bool has_header = false;
    std::optional<int> plan;
    int last_number = 0;
    int results = 0;
    std::vector<int> seen;  // Test numbers reported, in order.
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

  // Index of the level a line at `indent` belongs to (deepest level not deeper than it).
  size_t level_index(size_t indent) const;
  void push_level(size_t indent);
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
  // Records a case owned by level `index` (NO_LEVEL: none) and calls the callback.
  void emit(size_t index, CaseResult result);
  void fail(size_t index, std::string suite, std::string name, std::string message,
            std::vector<std::string> diagnostics);

  static constexpr size_t NO_LEVEL = static_cast<size_t>(-1);

  CaseCallback m_on_case;
  std::vector<Level> m_levels;
  std::vector<CaseResult> m_cases;
  std::vector<std::string> m_warnings;
  bool m_started = false;
  bool m_finished = false;
  bool m_complete = false;
  bool m_restarted = false;
};

}  // namespace maplet::runner
