#pragma once

// `maplet-run --list`: the kernel, booted with maplet.list=1, reports every selected case as
// "ok N name # SKIP listed" without running it; this turns one configuration's report into
// the list printed on stdout.

#include <string>

#include "tools/runner/junit_writer.h"

namespace maplet::runner {

inline constexpr const char* LISTED_REASON = "listed";

[[nodiscard]] bool is_listed(const CaseResult& result);

// "<config>: N tests\n  suite.case\n..." (only the listed cases), then "  FAILED name: why"
// for whatever went wrong around the listing (QEMU crashed, the KTAP limit cut it short, no
// test matched anywhere), so that a short list never looks complete.
[[nodiscard]] std::string listing_text(const ArchReport& report, int* listed);

}  // namespace maplet::runner
