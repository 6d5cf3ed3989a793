// Speed side by side (reported by scripts/oracle-check.sh as Maplet/Linux ratios, never
// compared: oracle/normalise lists time.* as "any"): the median, over RUNS single operations, of
// a null system call (getppid), a write fault on a fresh anonymous page, mmap + touch + munmap of
// one page, and a signal's delivery and return (kill to self). Nanoseconds of guest time, from
// the counter a program may read without a system call: arm64 CNTVCT_EL0 at CNTFRQ_EL0 Hz,
// powerpc's time base (mftb), whose frequency is measured against CLOCK_MONOTONIC over the run
// (Linux does not pass it to programs). Under QEMU's TCG these are emulated-time figures.
#define _GNU_SOURCE
#include <stdlib.h>
#include <time.h>

#include "oracle/programs/obs_signal.h"

enum { RUNS = 101 };

static uint64_t counter(void) {
  uint64_t value;
#if defined(__aarch64__)
  __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(value)::"memory");
#else
  __asm__ volatile("mftb %0" : "=r"(value)::"memory");
#endif
  return value;
}

#if !defined(__aarch64__)
static uint64_t now_ns(void) {
  struct timespec t;
  syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}
#endif

static int by_value(const void* a, const void* b) {
  uint64_t x = *(const uint64_t*)a, y = *(const uint64_t*)b;
  return x < y ? -1 : x > y;
}

static uint64_t ticks[RUNS];
static uint64_t median_ticks(void) {
  qsort(ticks, RUNS, sizeof ticks[0], by_value);
  return ticks[RUNS / 2];
}

static volatile sig_atomic_t handled;
static void on_usr1(int signo, siginfo_t* info, void* context) {
  (void)signo;
  (void)info;
  (void)context;
  handled++;
}

// Counter ticks per second: arm64's CNTFRQ_EL0; powerpc's time base against CLOCK_MONOTONIC
// over 20 ms.
static double counter_hz(void) {
#if defined(__aarch64__)
  uint64_t hz;
  __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(hz));
  return (double)hz;
#else
  const uint64_t t0 = counter(), n0 = now_ns();
  uint64_t n = n0;
  while (n - n0 < 20000000) n = now_ns();
  return (double)(counter() - t0) * 1e9 / (double)(n - n0);
#endif
}

static double ns_per_tick;

// Each figure is printed as soon as it is measured, so that a kernel which cannot deliver the
// signal (the last one) still reports the others.
static void report(const char* key) { obs(key, "%.0f", (double)median_ticks() * ns_per_tick); }

int main(void) {
  obs_page = (size_t)getauxval(AT_PAGESZ);
  const double hz = counter_hz();
  if (hz <= 0) return 1;
  ns_per_tick = 1e9 / hz;

  for (int i = 0; i < RUNS; i++) {
    uint64_t t0 = counter();
    syscall(SYS_getppid);
    ticks[i] = counter() - t0;
  }
  report("time.null_syscall_ns");

  char* area =
      mmap(NULL, RUNS * obs_page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (area == MAP_FAILED) return 1;
  for (int i = 0; i < RUNS; i++) {
    volatile char* p = area + (size_t)i * obs_page;
    uint64_t t0 = counter();
    *p = 1;
    ticks[i] = counter() - t0;
  }
  report("time.page_fault_ns");
  munmap(area, RUNS * obs_page);

  for (int i = 0; i < RUNS; i++) {
    uint64_t t0 = counter();
    volatile char* p =
        mmap(NULL, obs_page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return 1;
    *p = 1;
    munmap((void*)p, obs_page);
    ticks[i] = counter() - t0;
  }
  report("time.mmap_touch_munmap_ns");

  obs_handle(SIGUSR1, on_usr1, 0, 0);
  for (int i = 0; i < RUNS; i++) {
    uint64_t t0 = counter();
    kill(getpid(), SIGUSR1);
    ticks[i] = counter() - t0;
  }
  report("time.signal_round_trip_ns");
  obs("signals.handled", "%d", (int)handled);
  return 0;
}
