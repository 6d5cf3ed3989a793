// Formatted output to the arch console. Kernel log lines carry the "~log " prefix so the host
// runner can tell them from KTAP (no KTAP line starts with '~').
#pragma once

#include <stdarg.h>

#include "kernel/lib/format.h"

// The console as a Sink (unprefixed: KTAP and framed payloads go through it).
Sink& console_sink();

// One log message; every line of it is prefixed with "~log " and it ends with a newline.
void klog(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void vklog(const char* fmt, va_list args);
