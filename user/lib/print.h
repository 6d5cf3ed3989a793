// printf to standard output for user programs, with kernel/lib/format.h's conversions. Output
// is buffered and written whole lines at a time (and when the buffer fills), so a KTAP line
// reaches the kernel in one write; print_flush() writes what is left (user_start calls it).
#pragma once

#include <stdarg.h>

void print(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void vprint(const char* fmt, va_list args);
void print_flush();
