#pragma once

// Classifies one console line as a KTAP line (ktap.rst "Test case result lines", "Plan lines",
// "Diagnostic lines"), with no knowledge of the surrounding document. The parser decides what
// the line means in context.

#include <string>
#include <string_view>

namespace maplet::runner {

struct KtapLine {
  enum class Kind { kVersion, kSubtest, kPlan, kResult, kDiagnostic, kUnknown };
  Kind kind = Kind::kUnknown;
  size_t indent = 0;  // Leading spaces.
  // kResult: "ok" or "not ok"; number 0 when the line has none (TAP allows that).
  bool ok = false;
  int number = 0;
  // kResult: test name; kSubtest: suite name; kDiagnostic: text after "# ".
  std::string text;
  // kResult: "# SKIP reason" / "# TODO reason" directives (case-insensitive).
  bool skip = false;
  bool todo = false;
  std::string reason;
  // kPlan: the N of "1..N".
  int plan = 0;
};

// `line` has no '\n'; '\r' at either end is ignored. A version header may be preceded by
// noise ("\x1b[0mKTAP version 1"): it is then reported with indent 0 and `noisy` set.
[[nodiscard]] KtapLine lex_ktap_line(std::string_view line, bool* noisy = nullptr);

}  // namespace maplet::runner
