// Speed side by side (reported by scripts/oracle-check.sh as Maplet/Linux ratios, never
// compared: oracle/normalise lists time.* as "any"): the median, over RUNS single operations, of
// a null system call (getppid), a write fault on a fresh anonymous page, mmap + touch + munmap of
// one page, and a signal's delivery and return (kill to self). Nanoseconds of guest time, from
// the counter of obs_counter.h. (The oracle's /init reports the boot and a program's whole life.)
#define _GNU_SOURCE
#include "oracle/programs/obs_counter.h"
#include "oracle/programs/obs_signal.h"

enum { RUNS = 101 };

static uint64_t ticks[RUNS];
static uint64_t median_ticks(void) { return obs_median(ticks, RUNS); }

static volatile sig_atomic_t handled;
static void on_usr1(int signo, siginfo_t* info, void* context) {
  (void)signo;
  (void)info;
  (void)context;
  handled++;
}

static double ns_per_tick;

// Each figure is printed as soon as it is measured, so that a kernel which cannot deliver the
// signal (the last one) still reports the others.
static void report(const char* key) { obs(key, "%.0f", (double)median_ticks() * ns_per_tick); }

int main(void) {
  obs_page = (size_t)getauxval(AT_PAGESZ);
  const double hz = obs_counter_hz();
  if (hz <= 0) return 1;
  ns_per_tick = 1e9 / hz;

  for (int i = 0; i < RUNS; i++) {
    uint64_t t0 = obs_counter();
    syscall(SYS_getppid);
    ticks[i] = obs_counter() - t0;
  }
  report("time.null_syscall_ns");

  char* area =
      mmap(NULL, RUNS * obs_page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (area == MAP_FAILED) return 1;
  for (int i = 0; i < RUNS; i++) {
    volatile char* p = area + (size_t)i * obs_page;
    uint64_t t0 = obs_counter();
    *p = 1;
    ticks[i] = obs_counter() - t0;
  }
  report("time.page_fault_ns");
  munmap(area, RUNS * obs_page);

  for (int i = 0; i < RUNS; i++) {
    uint64_t t0 = obs_counter();
    volatile char* p =
        mmap(NULL, obs_page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return 1;
    *p = 1;
    munmap((void*)p, obs_page);
    ticks[i] = obs_counter() - t0;
  }
  report("time.mmap_touch_munmap_ns");

  obs_handle(SIGUSR1, on_usr1, 0, 0);
  for (int i = 0; i < RUNS; i++) {
    uint64_t t0 = obs_counter();
    kill(getpid(), SIGUSR1);
    ticks[i] = obs_counter() - t0;
  }
  report("time.signal_round_trip_ns");
  obs("signals.handled", "%d", (int)handled);
  return 0;
}
