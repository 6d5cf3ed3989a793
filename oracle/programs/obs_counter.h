// The counter a program may read without a system call, for the speed figures (oracle/README.md,
// "Speed"): arm64 CNTVCT_EL0 at CNTFRQ_EL0 Hz; powerpc's time base, whose frequency Linux does
// not pass to programs, measured against CLOCK_MONOTONIC over 20 ms. Shared by the speed program
// and the oracle's /init. Under QEMU's TCG the figures are emulated time.
#pragma once

#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static inline uint64_t obs_counter(void) {
  uint64_t value;
#if defined(__aarch64__)
  __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(value)::"memory");
#else
  __asm__ volatile("mftb %0" : "=r"(value)::"memory");
#endif
  return value;
}

#if !defined(__aarch64__)
static inline uint64_t obs_monotonic_ns(void) {
  struct timespec t;
  syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}
#endif

// Counter ticks per second; 0 when it cannot be found.
static inline double obs_counter_hz(void) {
#if defined(__aarch64__)
  uint64_t hz;
  __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(hz));
  return (double)hz;
#else
  const uint64_t t0 = obs_counter(), n0 = obs_monotonic_ns();
  uint64_t n = n0;
  while (n - n0 < 20000000) n = obs_monotonic_ns();
  return (double)(obs_counter() - t0) * 1e9 / (double)(n - n0);
#endif
}

static inline int obs_by_value(const void* a, const void* b) {
  uint64_t x = *(const uint64_t*)a, y = *(const uint64_t*)b;
  return x < y ? -1 : x > y;
}

// The median of n samples, which it sorts.
static inline uint64_t obs_median(uint64_t* samples, size_t n) {
  qsort(samples, n, sizeof samples[0], obs_by_value);
  return samples[n / 2];
}
