#include "kernel/test/registry.h"

#include "kernel/lib/format.h"
#include "kernel/lib/glob.h"

namespace ktest {

namespace {

// Zero-initialised, so registration works whatever order the constructors run in.
TestCase* g_first = nullptr;
TestCase* g_last = nullptr;

// True if `pattern`'s part before the first '.' names `suite` literally (no wildcard).
bool names_suite_literally(StringView pattern, StringView suite) {
  const size_t dot = pattern.find('.');
  const StringView suite_part = pattern.substr(0, dot);
  return dot != pattern.size() && suite_part == suite;
}

}  // namespace

void register_test(TestCase* test) {
  test->next = nullptr;
  if (g_last == nullptr) {
    g_first = test;
  } else {
    g_last->next = test;
  }
  g_last = test;
}

TestCase* first_test() { return g_first; }

bool test_selected(const TestCase& test, StringView filter) {
  char full[128];
  const size_t len = format_to_buffer(full, sizeof(full), "%s.%s", test.suite, test.name);
  const StringView name(full, len < sizeof(full) ? len : sizeof(full) - 1);
  while (true) {
    const size_t comma = filter.find(',');
    const StringView pattern = filter.substr(0, comma);
    if (glob_match(pattern, name) &&
        (test.selection == Selection::Default || names_suite_literally(pattern, test.suite))) {
      return true;
    }
    if (comma == filter.size()) return false;
    filter = filter.substr(comma + 1);
  }
}

}  // namespace ktest
