#include "tools/runner/listing.h"

namespace maplet::runner {

bool is_listed(const CaseResult& result) {
  return !result.synthesized && result.outcome == Outcome::kSkip && result.message == LISTED_REASON;
}

std::string listing_text(const ArchReport& report, int* listed) {
  std::string names;
  std::string failures;
  int count = 0;
  for (const auto& c : report.cases) {
    if (c.outcome == Outcome::kFail) {
      failures += "  FAILED " + full_name(c) + (c.message.empty() ? "" : ": " + c.message) + "\n";
    }
    if (!is_listed(c)) continue;
    names += "  " + full_name(c) + "\n";
    ++count;
  }
  *listed += count;
  return report.arch + ": " + std::to_string(count) + (count == 1 ? " test\n" : " tests\n") +
         names + failures;
}

}  // namespace maplet::runner
