#include "kernel/lib/panic.h"

#include <stdarg.h>

#include "kernel/arch/power.h"
#include "kernel/lib/console.h"
#include "kernel/lib/recover.h"

void panic_at(const char* file, int line, const char* fmt, ...) {
  // A panic while panicking (a broken console, a fault in the formatter) must not recurse.
  static bool g_panicking = false;
  if (g_panicking) arch_power_off(false);

  char message[256];
  BufferSink sink(message, sizeof(message));
  format(sink, "PANIC at %s:%d: ", file, line);
  va_list args;
  va_start(args, fmt);
  vformat(sink, fmt, args);
  va_end(args);

  recover_from_panic(message);

  g_panicking = true;
  klog("%s", message);
  // Whatever KTAP was in flight is now incomplete; the runner reports the missing results.
  klog("kernel halted: verdict FAIL");
  arch_power_off(false);
}
