// Running the registered tests: each case inside a recoverable region so a failed assertion,
// a trap or a panic ends only that case, with the reason printed as diagnostics.
#pragma once

#include "kernel/test/ktap.h"
#include "kernel/test/registry.h"

namespace ktest {

// Runs one case, writing its diagnostics (but not its result line) through `writer`.
Status run_case(const TestCase& test, KtapWriter& writer, const char** skip_reason);

// Runs every case selected by `filter` as KTAP on `sink`, suites in registration order.
// A filter that selects nothing prints the plan "1..0" and a "# no test matches the filter"
// diagnostic, and counts nothing: whether that is a failure is the runner's call (a filter may
// name tests of the other arch only).
Counts run_selected(Sink& sink, StringView filter);

}  // namespace ktest
