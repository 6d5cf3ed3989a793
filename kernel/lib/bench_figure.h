// One speed figure of `make bench` (scripts/user-bench.sh reads it), shared by the kernel's own
// measurement and the user program that measures from user mode: n samples in counter ticks,
// sorted in place, summarised as the line
//   bench <name> <median> ns median of <n> (min <ns>, max <ns>)
// (without "# " or a newline). Header-only, as the user programs link no more of kernel/lib than
// formatting and strings.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/format.h"

inline void bench_sort(uint64_t* v, unsigned n) {
  for (unsigned i = 1; i < n; i++) {
    const uint64_t x = v[i];
    unsigned j = i;
    for (; j > 0 && v[j - 1] > x; j--) v[j] = v[j - 1];
    v[j] = x;
  }
}

// Writes the figure into text[size]; n and frequency must not be 0.
inline void bench_figure(char* text, size_t size, const char* name, uint64_t* ticks, unsigned n,
                         uint64_t frequency) {
  bench_sort(ticks, n);
  const auto ns = [frequency](uint64_t t) {
    return static_cast<unsigned long long>(t * 1000000000u / frequency);
  };
  format_to_buffer(text, size, "bench %s %llu ns median of %u (min %llu, max %llu)", name,
                   ns(ticks[n / 2]), n, ns(ticks[0]), ns(ticks[n - 1]));
}
