// The registry of in-kernel test cases. Each KTEST registers itself from a static constructor
// (run from .init_array by kernel_main, or by the C++ runtime on the host), in source order
// within a file and link order across files.
#pragma once

#include <stdint.h>

#include "kernel/lib/string_view.h"

namespace ktest {

enum class Selection : uint8_t {
  Default,  // runs whenever the filter matches it
  // Runs only when named by a filter whose suite part has no wildcard (e.g. "selftest.*"):
  // deliberate failures and hangs that prove the framework and runner catch them.
  Explicit,
};

struct TestCase {
  const char* suite;
  const char* name;
  void (*body)();
  Selection selection;
  TestCase* next;
};

// Registers `test` (which must live forever) at the end of the list.
void register_test(TestCase* test);

// The first registered test; follow ->next for the rest.
TestCase* first_test();

// Whether the comma-separated glob list `filter` selects the test, matching "suite.name".
bool test_selected(const TestCase& test, StringView filter);

struct Registrar {
  TestCase test;
  Registrar(const char* suite, const char* name, void (*body)(), Selection selection)
      : test{suite, name, body, selection, nullptr} {
    register_test(&test);
  }
};

}  // namespace ktest
