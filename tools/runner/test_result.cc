#include "tools/runner/test_result.h"

namespace maplet::runner {

std::string full_name(const CaseResult& result) {
  return result.suite.empty() ? result.name : result.suite + "." + result.name;
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
