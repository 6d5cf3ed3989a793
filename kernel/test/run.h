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

// Suites that are not KTEST cases (the user programs): each reports its own cases when it runs.
// `run` writes the whole suite through `writer` (begin_suite .. end_suite, as suite `number`) and
// returns its counts; `list` does the same without running anything.
struct ExternalSuites {
  unsigned count = 0;
  bool (*selected)(void* context, unsigned index, StringView filter) = nullptr;
  Counts (*run)(void* context, unsigned index, KtapWriter& writer, Sink& sink,
                unsigned number) = nullptr;
  Counts (*list)(void* context, unsigned index, KtapWriter& writer, unsigned number) = nullptr;
  void* context = nullptr;
};

// Runs every case selected by `filter` as KTAP on `sink`, suites in registration order, then
// the selected external suites. A filter that selects nothing prints the plan "1..0" and a
// "# no test matches the filter" diagnostic, and counts nothing: whether that is a failure is the
// runner's call (a filter may name tests of another configuration only).
Counts run_selected(Sink& sink, StringView filter, Mode mode = Mode::Run,
                    const ExternalSuites& external = ExternalSuites{});

// How many cases `filter` selects among the KTEST cases, plus one for each selected external
// suite (its own cases are known only once it runs).
unsigned count_selected(StringView filter, const ExternalSuites& external = ExternalSuites{});

}  // namespace ktest
