// Console contract: each arch provides a polled, always-available serial console.
#pragma once

#include <stddef.h>

// Writes n bytes to the console and returns when they are accepted by the device. Never fails and
// never allocates, so it is safe from trap handlers and panic paths. '\n' is written as is.
void arch_console_write(const char* s, size_t n);
