// The POSIX clocks a program can read (Linux kernel/time/posix-timers.c, posix-cpu-timers.c,
// lib/vdso/gettimeofday.c): for each clock id from 0 to 12, what clock_getres gives (the
// resolution is deterministic) and whether clock_gettime succeeds, once through the system call
// and once through libc, which goes through the vDSO on both arches; then that a coarse clock
// never reads later than its precise one read after it, and the raw and TAI clocks run with the
// monotonic and real-time ones (Linux starts TAI at the real time: tai offset 0); and the
// gettimeofday system call, its time zone and its time between two reads of the real-time clock.
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

#include "oracle/programs/obs.h"

enum { CLOCK_IDS = 13 };

static void resolution(const char* key, long ret, const struct timespec* ts) {
  if (ret != 0) {
    obs(key, "error %s", errno_name(errno));
  } else {
    obs(key, "%lld.%09ld", (long long)ts->tv_sec, ts->tv_nsec);
  }
}

static long long ns_of(const struct timespec* ts) {
  return (long long)ts->tv_sec * 1000000000ll + ts->tv_nsec;
}

// Reads `first`, then `second`: whether first's time is not after second's (within `slack` ns).
static const char* ordered(clockid_t first, clockid_t second, long long slack) {
  struct timespec a, b;
  if (clock_gettime(first, &a) != 0 || clock_gettime(second, &b) != 0) return "error";
  return ns_of(&a) <= ns_of(&b) + slack ? "yes" : "no";
}

int main(void) {
  char key[64];
  for (int id = 0; id < CLOCK_IDS; id++) {
    struct timespec ts;
    snprintf(key, sizeof key, "clock%d.getres.syscall", id);
    resolution(key, syscall(SYS_clock_getres, id, &ts), &ts);
    snprintf(key, sizeof key, "clock%d.getres.libc", id);
    resolution(key, clock_getres(id, &ts), &ts);
    snprintf(key, sizeof key, "clock%d.gettime.syscall", id);
    obs_status(key, (int)syscall(SYS_clock_gettime, id, &ts));
    snprintf(key, sizeof key, "clock%d.gettime.libc", id);
    obs_status(key, clock_gettime(id, &ts));
  }
  obs("order.realtime_coarse_then_realtime", "%s",
      ordered(CLOCK_REALTIME_COARSE, CLOCK_REALTIME, 0));
  obs("order.monotonic_coarse_then_monotonic", "%s",
      ordered(CLOCK_MONOTONIC_COARSE, CLOCK_MONOTONIC, 0));
  // A raw or TAI read lies between two reads of the clock it runs with (within a second: NTP
  // slews raw away from monotonic only slowly, and nothing sets a TAI offset).
  obs("order.monotonic_then_raw", "%s", ordered(CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, 1000000000));
  obs("order.raw_then_monotonic", "%s", ordered(CLOCK_MONOTONIC_RAW, CLOCK_MONOTONIC, 1000000000));
  obs("order.realtime_then_tai", "%s", ordered(CLOCK_REALTIME, CLOCK_TAI, 0));
  obs("order.tai_then_realtime", "%s", ordered(CLOCK_TAI, CLOCK_REALTIME, 0));

  struct timespec before, after;
  struct timeval tv;
  struct timezone tz = {-1, -1};
  clock_gettime(CLOCK_REALTIME, &before);
  obs_status("gettimeofday.syscall", (int)syscall(SYS_gettimeofday, &tv, &tz));
  clock_gettime(CLOCK_REALTIME, &after);
  const long long us = (long long)tv.tv_sec * 1000000 + tv.tv_usec;
  obs("gettimeofday.between_realtime_reads", "%s",
      ns_of(&before) / 1000 <= us && us <= ns_of(&after) / 1000 ? "yes" : "no");
  obs("gettimeofday.timezone", "%d %d", tz.tz_minuteswest, tz.tz_dsttime);
  obs_status("gettimeofday.null_null", (int)syscall(SYS_gettimeofday, 0, 0));
  obs_status("gettimeofday.bad_tv", (int)syscall(SYS_gettimeofday, (void*)8, 0));
  obs_status("gettimeofday.bad_tz", (int)syscall(SYS_gettimeofday, 0, (void*)8));
  return 0;
}
