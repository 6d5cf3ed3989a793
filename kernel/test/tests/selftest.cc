// Deliberate failures that prove the framework and the host runner catch each kind of broken
// test. They run only when a filter names the suite ("selftest.*"), never in a normal run; the
// host tests and `make check` run them and expect them to fail exactly as written.

#include "kernel/arch/trap.h"
#include "kernel/test/test.h"

KTEST_EXPLICIT(selftest, failing_expectation) {
  const int answer = 41;
  EXPECT_EQ(answer, 42);
  KTEST_NOTE("still running after a failed EXPECT");
}

KTEST_EXPLICIT(selftest, failing_assertion_stops_the_case) {
  ASSERT_TRUE(1 + 1 == 3);
  KTEST_NOTE("not reached");
}

KTEST_EXPLICIT(selftest, unexpected_trap) { arch_execute_undefined_instruction(); }

KTEST_EXPLICIT(selftest, panic) { PANIC("deliberate panic from a test"); }

KTEST_EXPLICIT(selftest, skipped) { KTEST_SKIP("deliberately skipped"); }

KTEST_EXPLICIT(selftest, passing) { EXPECT_EQ(2 + 2, 4); }

// Failed Result expectations name what came back and what was expected, success included.
KTEST_EXPLICIT(selftest_result, error_where_success_was_expected) {
  EXPECT_OK(Result<void>(Error::NoMemory));
}
KTEST_EXPLICIT(selftest_result, success_where_an_error_was_expected) {
  EXPECT_ERROR(Result<int>(7), Error::Invalid);
}
KTEST_EXPLICIT(selftest_result, the_wrong_error) {
  EXPECT_ERROR(Result<void>(Error::Exists), Error::Invalid);
}

// Never finishes: the host runner must kill QEMU at its timeout. Selected only by its exact name.
KTEST_EXPLICIT(selftest_hang, spin) {
  volatile bool forever = true;
  while (forever) {
  }
}
