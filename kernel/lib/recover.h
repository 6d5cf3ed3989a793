// Recovery points: run a piece of code so that a trap, a panic or an aborted assertion inside it
// returns control here instead of stopping the kernel. The test framework runs every test case
// this way, so one broken test is reported and the suite goes on.
#pragma once

#include "kernel/arch/trap.h"

struct Fault {
  enum class Cause : uint8_t { Trap, Panic, Abort };
  Cause cause;
  TrapInfo trap;  // valid when cause == Trap
  // The banner: trap description, panic message with file:line, or the abort reason.
  char message[256];
};

// Runs fn(context). Returns true when fn returned normally; false when a trap, panic or
// recover_abort() ended it early, with *fault saying why. Calls nest: the innermost catches.
bool run_recoverable(void (*fn)(void*), void* context, Fault* fault);

template <typename F>
bool run_recoverable(F& callable, Fault* fault) {
  return run_recoverable([](void* c) { (*static_cast<F*>(c))(); }, &callable, fault);
}

bool recovery_armed();

// Leaves the innermost recoverable region with Cause::Abort (failed ASSERT_*, skipped test).
// Panics when no region is armed.
[[noreturn]] void recover_abort(const char* reason);

// Called by panic_at: leaves the innermost region with Cause::Panic, or returns if none.
void recover_from_panic(const char* message);
