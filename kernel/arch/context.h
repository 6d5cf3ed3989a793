// Non-local return contract: the test framework resumes after a trap or a failed assertion by
// jumping back to a saved point. Only callee-saved state is kept (the ABI makes the rest dead).
#pragma once

#include <stdint.h>

// Large enough for arm64 (x19-x30, sp: 13 words) and ppc64 ELFv2 (r1, r2, r13-r31, lr, cr: 24).
struct JumpBuffer {
  uint64_t words[32];
};

// Returns 0 when called, and `value` (never 0) when resumed by arch_longjmp.
extern "C" int arch_setjmp(JumpBuffer* buffer) __attribute__((returns_twice));
// Resumes the arch_setjmp that filled `buffer`, whose frame must still be live.
extern "C" [[noreturn]] void arch_longjmp(JumpBuffer* buffer, int value);
