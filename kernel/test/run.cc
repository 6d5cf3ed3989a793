#include "kernel/test/run.h"

#include "kernel/lib/panic.h"
#include "kernel/lib/recover.h"
#include "kernel/lib/string.h"
#include "kernel/test/current.h"

namespace ktest {

namespace {

CurrentTest* g_current = nullptr;

constexpr unsigned MAX_SUITES = 256;

}  // namespace

CurrentTest& current_test(const char* what) {
  if (g_current == nullptr) PANIC("%s used outside a running test", what);
  return *g_current;
}

Status run_case(const TestCase& test, KtapWriter& writer, const char** skip_reason) {
  CurrentTest state{&writer, false, nullptr};
  CurrentTest* outer = g_current;
  g_current = &state;
  Fault fault;
  auto body = [&test] { test.body(); };
  const bool completed = run_recoverable(body, &fault);
  g_current = outer;
  if (!completed && fault.cause == Fault::Cause::Trap) {
    writer.diagnostic("unexpected trap: %s", fault.message);
    state.failed = true;
  } else if (!completed && fault.cause == Fault::Cause::Panic) {
    writer.diagnostic("%s", fault.message);
    state.failed = true;
  }
  if (state.failed) return Status::Fail;
  if (state.skip_reason != nullptr) {
    *skip_reason = state.skip_reason;
    return Status::Skip;
  }
  return Status::Pass;
}

unsigned count_selected(StringView filter, const ExternalSuites& external) {
  unsigned cases = 0;
  for (TestCase* t = first_test(); t != nullptr; t = t->next) {
    if (test_selected(*t, filter)) cases++;
  }
  for (unsigned i = 0; i < external.count; i++) {
    if (external.selected(external.context, i, filter)) cases++;
  }
  return cases;
}

Counts run_selected(Sink& sink, StringView filter, Mode mode, const ExternalSuites& external) {
  // Suites in order of their first registered case, keeping only those with a selected case.
  const char* suites[MAX_SUITES];
  unsigned suite_count = 0;
  for (TestCase* t = first_test(); t != nullptr; t = t->next) {
    if (!test_selected(*t, filter)) continue;
    bool known = false;
    for (unsigned i = 0; i < suite_count && !known; i++)
      known = klib::str_equal(suites[i], t->suite);
    if (known) continue;
    VERIFY(suite_count < MAX_SUITES);
    suites[suite_count++] = t->suite;
  }

  unsigned external_count = 0;
  for (unsigned i = 0; i < external.count; i++) {
    if (external.selected(external.context, i, filter)) external_count++;
  }

  KtapWriter writer(sink);
  writer.begin(suite_count + external_count);
  Counts all;
  if (suite_count + external_count == 0) {
    writer.diagnostic("no test matches the filter '%.*s'", static_cast<int>(filter.size()),
                      filter.data());
    return all;
  }
  for (unsigned s = 0; s < suite_count; s++) {
    unsigned cases = 0;
    for (TestCase* t = first_test(); t != nullptr; t = t->next) {
      if (klib::str_equal(t->suite, suites[s]) && test_selected(*t, filter)) cases++;
    }
    writer.begin_suite(suites[s], cases);
    Counts counts;
    unsigned number = 0;
    for (TestCase* t = first_test(); t != nullptr; t = t->next) {
      if (!klib::str_equal(t->suite, suites[s]) || !test_selected(*t, filter)) continue;
      const char* skip_reason = mode == Mode::List ? "listed" : nullptr;
      const Status status = mode == Mode::List ? Status::Skip : run_case(*t, writer, &skip_reason);
      writer.case_result(++number, t->name, status, skip_reason);
      counts.add(status);
    }
    writer.end_suite(s + 1, suites[s], counts);
    all.passed += counts.passed;
    all.failed += counts.failed;
    all.skipped += counts.skipped;
  }
  unsigned number = suite_count;
  for (unsigned i = 0; i < external.count; i++) {
    if (!external.selected(external.context, i, filter)) continue;
    number++;
    const Counts counts = mode == Mode::List
                              ? external.list(external.context, i, writer, number)
                              : external.run(external.context, i, writer, sink, number);
    all.passed += counts.passed;
    all.failed += counts.failed;
    all.skipped += counts.skipped;
  }
  return all;
}

}  // namespace ktest
