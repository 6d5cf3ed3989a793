#include "tools/runner/test_result.h"

#include <utility>

namespace maplet::runner {

std::string full_name(const CaseResult& result) {
  return result.suite.empty() ? result.name : result.suite + "." + result.name;
}

CaseResult synthesized_failure(std::string suite, std::string name, std::string message,
                               std::vector<std::string> diagnostics) {
  CaseResult c;
  c.suite = std::move(suite);
  c.name = std::move(name);
  c.outcome = Outcome::kFail;
  c.message = std::move(message);
  c.diagnostics = std::move(diagnostics);
  c.synthesized = true;
  return c;
}

void Tally::add(Outcome outcome) {
  switch (outcome) {
    case Outcome::kPass:
      ++passed;
      break;
    case Outcome::kFail:
      ++failed;
      break;
    case Outcome::kSkip:
      ++skipped;
      break;
  }
}

void Tally::add(const Tally& other) {
  passed += other.passed;
  failed += other.failed;
  skipped += other.skipped;
}

}  // namespace maplet::runner
