// KTAP output for user test programs (Linux Documentation/dev-tools/ktap.rst): a version line
// and a plan, one "ok N name" / "not ok N name" line per case, "# SKIP reason" directives and
// "# " diagnostics. The kernel reads this document from the program's stdout and nests it in its
// own stream. A case is a function that reports failed checks with KTAP_EXPECT; ktap_run counts
// and prints them, and ktap_finish's value is the program's exit status.
//
//   ktap_plan(2);
//   ktap_run("argc", [] { KTAP_EXPECT(start.argc >= 1); });
//   return ktap_finish();
#pragma once

#include <stddef.h>

void ktap_plan(int cases);
// Prints a diagnostic line "# ..." (the text should not end in a newline).
void ktap_diag(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// Runs one case: it passes unless a KTAP_EXPECT in it failed (or it called ktap_skip).
void ktap_run(const char* name, void (*body)(void* context), void* context);
template <typename F>
void ktap_run(const char* name, F body) {
  ktap_run(
      name, [](void* f) { (*static_cast<F*>(f))(); }, &body);
}
// Inside a case: report it as skipped with `reason` instead of passing.
void ktap_skip(const char* reason);

// Records a failed check of the running case, with its text and place.
void ktap_fail(const char* check, const char* file, int line);
#define KTAP_EXPECT(cond) ((cond) ? true : (ktap_fail(#cond, __FILE__, __LINE__), false))

// 0 when every case passed or was skipped and as many ran as planned, 1 otherwise.
int ktap_finish();
