#pragma once

// The runner's unit of account: one leaf test case (or one failure the runner synthesizes for
// something that went wrong around the tests: a crash, a timeout, a bad artifact).

#include <string>
#include <vector>

namespace maplet::runner {

enum class Outcome { kPass, kFail, kSkip };

struct CaseResult {
  // Dotted path of the enclosing suites ("format", "mm.vma"), "" for a top-level case.
  std::string suite;
  // The case's own name as the kernel reported it.
  std::string name;
  Outcome outcome = Outcome::kPass;
  // The KTAP test number within its parent; 0 when the runner made the case up.
  int number = 0;
  // Skip reason, or a one-line summary of the failure.
  std::string message;
  // The "# " diagnostic lines that preceded the result (without the "# "), or the runner's
  // explanation for a synthesized failure.
  std::vector<std::string> diagnostics;
  // True when the case was synthesized by the parser or runner, not reported by the kernel.
  bool synthesized = false;
  // Seconds since the previous result of the same arch (an estimate of the case's duration).
  double seconds = 0;
};

// "suite.case", or "case" when the case has no suite: the name shown to people.
std::string full_name(const CaseResult& result);

// A failure the runner makes up (synthesized, number 0): its one-line message and the
// diagnostics that explain it.
CaseResult synthesized_failure(std::string suite, std::string name, std::string message,
                               std::vector<std::string> diagnostics);

struct Tally {
  int passed = 0;
  int failed = 0;
  int skipped = 0;
  void add(Outcome outcome);
  void add(const Tally& other);
};

}  // namespace maplet::runner
