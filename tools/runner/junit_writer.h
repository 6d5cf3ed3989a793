#pragma once

// Writes results as JUnit XML (the dialect Jenkins, GitLab and most CI systems read): one
// <testsuite> per arch and KTAP suite, named "<arch>.<suite>" (just "<arch>" for cases without a
// suite), one <testcase> per case, with <failure> holding the diagnostics or <skipped>.

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "tools/runner/test_result.h"

namespace maplet::runner {

struct ArchReport {
  std::string arch;
  std::vector<CaseResult> cases;
  std::string console_log;  // Path of the raw console, recorded as a suite property.
};

void write_junit(std::ostream& out, const std::vector<ArchReport>& arches);

// Escapes text for XML 1.0 content (`attribute` also escapes quotes and line breaks). Control
// characters XML cannot carry at all become "\xNN", and invalid UTF-8 becomes U+FFFD, so a
// garbled console never makes the file unreadable.
[[nodiscard]] std::string xml_escape(std::string_view text, bool attribute);

}  // namespace maplet::runner
