// Panics and always-on invariant checks. A panic inside a test is recovered by the test framework
// and reported as that test's failure (kernel/lib/recover.h); anywhere else it prints a banner
// on the console and powers the machine off with a failed verdict.
#pragma once

[[noreturn]] void panic_at(const char* file, int line, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define PANIC(...) panic_at(__FILE__, __LINE__, __VA_ARGS__)

// Never compiled out: an invariant that fails must stop the kernel, not corrupt it.
#define VERIFY(cond)                                            \
  do {                                                          \
    if (!(cond)) [[unlikely]]                                   \
      panic_at(__FILE__, __LINE__, "VERIFY(%s) failed", #cond); \
  } while (0)

#define VERIFY_NOT_REACHED() panic_at(__FILE__, __LINE__, "VERIFY_NOT_REACHED()")
