#include "user/lib/ktap.h"

#include <stdarg.h>

#include "user/lib/print.h"

namespace {

int g_planned = -1;
int g_number = 0;
int g_failed_cases = 0;
bool g_case_failed = false;
const char* g_skip_reason = nullptr;

}  // namespace

void ktap_plan(int cases) {
  g_planned = cases;
  print("KTAP version 1\n1..%d\n", cases);
}

void ktap_diag(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  print("# ");
  vprint(fmt, args);
  print("\n");
  va_end(args);
}

void ktap_fail(const char* check, const char* file, int line) {
  g_case_failed = true;
  ktap_diag("%s:%d: check failed: %s", file, line, check);
}

void ktap_skip(const char* reason) { g_skip_reason = reason; }

void ktap_run(const char* name, void (*body)(void*), void* context) {
  g_case_failed = false;
  g_skip_reason = nullptr;
  body(context);
  g_number++;
  if (g_case_failed) {
    g_failed_cases++;
    print("not ok %d %s\n", g_number, name);
  } else if (g_skip_reason != nullptr) {
    print("ok %d %s # SKIP %s\n", g_number, name, g_skip_reason);
  } else {
    print("ok %d %s\n", g_number, name);
  }
}

int ktap_finish() {
  if (g_number != g_planned) {
    ktap_diag("planned %d cases, ran %d", g_planned, g_number);
    return 1;
  }
  return g_failed_cases == 0 ? 0 : 1;
}
