// Running the registered tests: each case inside a recoverable region so a failed assertion,
// a trap or a panic ends only that case, with the reason printed as diagnostics.
#pragma once

#include "kernel/test/ktap.h"
#include "kernel/test/registry.h"

namespace ktest {

// Runs one case, writing its diagnostics (but not its result line) through `writer`.
Status run_case(const TestCase& test, KtapWriter& writer, const char** skip_reason);

enum class Mode : uint8_t {
  Run,
  // Runs nothing: every selected case is reported "ok N name # SKIP listed" (maplet.list=1), so
  // the listing is ordinary KTAP that any KTAP reader accepts.
  List,
};

// Runs every case selected by `filter` as KTAP on `sink`, suites in registration order.
// A filter that selects nothing prints the plan "1..0" and a "# no test matches the filter"
// diagnostic, and counts nothing: whether that is a failure is the runner's call (a filter may
// name tests of another configuration only).
Counts run_selected(Sink& sink, StringView filter, Mode mode = Mode::Run);

// How many cases `filter` selects (what run_selected will report).
unsigned count_selected(StringView filter);

}  // namespace ktest
