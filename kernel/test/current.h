// The state of the test case being run, shared by the runner and the expectation helpers.
#pragma once

#include "kernel/test/ktap.h"

namespace ktest {

struct CurrentTest {
  KtapWriter* writer;
  bool failed;
  const char* skip_reason;  // set by skip_test()
};

// The running test; panics (naming `what`) when no test is running.
CurrentTest& current_test(const char* what);

}  // namespace ktest
