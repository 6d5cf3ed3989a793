// Interval timers (Linux kernel/time/itimer.c): what setitimer, getitimer and alarm report, the
// signal each timer sends when it expires (its number and si_code), that an interval re-arms the
// real timer, that the CPU-time timers expire while the program computes, and the errors.
// Times that depend on how long the program ran are printed as whether they lie in range, a
// range that a loaded machine's delays between two calls stay well within. The real timer's
// blocked and ignored SIGALRM and its errors' order are the program itimer.
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

#include "oracle/programs/obs_signal.h"

static volatile sig_atomic_t seen_count;
static volatile sig_atomic_t seen_signo;
static volatile sig_atomic_t seen_code;

static void on_timer(int signo, siginfo_t* info, void* context) {
  (void)context;
  seen_count++;
  seen_signo = signo;
  seen_code = info->si_code;
}

static long long usec_of(const struct timeval* tv) {
  return (long long)tv->tv_sec * 1000000 + tv->tv_usec;
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int set(int which, long long value_us, long long interval_us, struct itimerval* old) {
  struct itimerval v = {{interval_us / 1000000, interval_us % 1000000},
                        {value_us / 1000000, value_us % 1000000}};
  return (int)syscall(SYS_setitimer, which, &v, old);
}

static void show(const char* key, const struct itimerval* v) {
  obs(key, "value %lld interval %lld", usec_of(&v->it_value), usec_of(&v->it_interval));
}

// Waits, computing or sleeping (a second at a time, which the signal cuts short), until `count`
// timer signals arrived (at most 10 s).
static void wait_for(const char* key, int count, int spin) {
  const struct timespec second = {1, 0};
  const long long end = now_ms() + 10000;
  while (seen_count < count && now_ms() < end) {
    if (!spin) nanosleep(&second, NULL);
  }
  obs(key, "%s signal %d %s", seen_count >= count ? "arrived" : "missing", (int)seen_signo,
      obs_code_name(seen_signo, seen_code));
}

int main(void) {
  obs_status("sigaction.alrm", obs_handle(SIGALRM, on_timer, 0, 0));
  obs_status("sigaction.vtalrm", obs_handle(SIGVTALRM, on_timer, 0, 0));
  obs_status("sigaction.prof", obs_handle(SIGPROF, on_timer, 0, 0));
  struct itimerval v;
  const int which[] = {ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF};
  char key[64];
  for (int i = 0; i < 3; i++) {
    memset(&v, 0x55, sizeof v);
    snprintf(key, sizeof key, "getitimer.%d.initial", which[i]);
    obs_status(key, (int)syscall(SYS_getitimer, which[i], &v));
    show(key, &v);
  }

  // alarm: the seconds left, rounded to the nearest, at least 1 while any is left.
  obs("alarm.first", "%u", alarm(10));
  obs("alarm.cancel", "%u", alarm(0));
  obs_status("setitimer.1999ms", set(ITIMER_REAL, 1999000, 0, NULL));
  obs("alarm.after_1999ms", "%u", alarm(0));
  obs_status("setitimer.300ms", set(ITIMER_REAL, 300000, 0, NULL));
  obs("alarm.after_300ms", "%u", alarm(0));

  // One expiry of the real timer.
  memset(&v, 0x55, sizeof v);
  obs_status("setitimer.real_once", set(ITIMER_REAL, 1000000, 0, &v));
  show("setitimer.real_once.old", &v);
  obs_status("getitimer.real_once", (int)syscall(SYS_getitimer, ITIMER_REAL, &v));
  obs("getitimer.real_once.value_in_range", "%s",
      usec_of(&v.it_value) > 0 && usec_of(&v.it_value) <= 1000000 ? "yes" : "no");
  seen_count = 0;
  wait_for("real_once", 1, 0);
  obs_status("getitimer.real_after", (int)syscall(SYS_getitimer, ITIMER_REAL, &v));
  show("getitimer.real_after", &v);

  // An interval: three expiries, then disarmed with the old value read.
  seen_count = 0;
  obs_status("setitimer.real_interval", set(ITIMER_REAL, 20000, 20000, NULL));
  wait_for("real_interval", 3, 0);
  obs_status("setitimer.real_disarm", set(ITIMER_REAL, 0, 0, &v));
  obs("setitimer.real_disarm.old_interval", "%lld", usec_of(&v.it_interval));
  obs("setitimer.real_disarm.old_value_in_range", "%s",
      usec_of(&v.it_value) > 0 && usec_of(&v.it_value) <= 20000 ? "yes" : "no");

  // The CPU-time timers expire while the program computes.
  seen_count = 0;
  obs_status("setitimer.virtual", set(ITIMER_VIRTUAL, 30000, 0, NULL));
  // Arming a CPU timer adds a tick (set_cpu_itimer), more than the program's CPU time until the
  // next call.
  obs_status("getitimer.virtual", (int)syscall(SYS_getitimer, ITIMER_VIRTUAL, &v));
  obs("getitimer.virtual.above_value", "%s", usec_of(&v.it_value) > 30000 ? "yes" : "no");
  wait_for("virtual", 1, 1);
  seen_count = 0;
  obs_status("setitimer.prof", set(ITIMER_PROF, 30000, 0, NULL));
  wait_for("prof", 1, 1);
  // A CPU timer set to 0 keeps the interval it was given; the real one does not.
  obs_status("setitimer.virtual_interval_only", set(ITIMER_VIRTUAL, 0, 5000, NULL));
  obs_status("getitimer.virtual_interval_only", (int)syscall(SYS_getitimer, ITIMER_VIRTUAL, &v));
  show("getitimer.virtual_interval_only", &v);
  obs_status("setitimer.real_interval_only", set(ITIMER_REAL, 0, 5000, NULL));
  obs_status("getitimer.real_interval_only", (int)syscall(SYS_getitimer, ITIMER_REAL, &v));
  show("getitimer.real_interval_only", &v);

  // Errors, and the null new value that disarms.
  obs_status("setitimer.which_3", set(3, 1000, 0, NULL));
  obs_status("getitimer.which_3", (int)syscall(SYS_getitimer, 3, &v));
  const struct itimerval usec_1000000 = {{0, 0}, {0, 1000000}}, negative = {{0, 0}, {-1, 0}};
  obs_status("setitimer.usec_1000000",
             (int)syscall(SYS_setitimer, ITIMER_REAL, &usec_1000000, NULL));
  obs_status("setitimer.negative", (int)syscall(SYS_setitimer, ITIMER_REAL, &negative, NULL));
  obs_status("setitimer.bad_new", (int)syscall(SYS_setitimer, ITIMER_REAL, (void*)8, NULL));
  obs_status("setitimer.bad_old", set(ITIMER_REAL, 0, 0, (struct itimerval*)8));
  obs_status("getitimer.bad", (int)syscall(SYS_getitimer, ITIMER_REAL, (void*)8));
  obs_status("setitimer.arm_for_null", set(ITIMER_REAL, 5000000, 0, NULL));
  obs_status("setitimer.null_new", (int)syscall(SYS_setitimer, ITIMER_REAL, NULL, &v));
  obs("setitimer.null_new.old_value_in_range", "%s",
      usec_of(&v.it_value) > 4000000 && usec_of(&v.it_value) <= 5000000 ? "yes" : "no");
  obs_status("getitimer.after_null", (int)syscall(SYS_getitimer, ITIMER_REAL, &v));
  show("getitimer.after_null", &v);
  return 0;
}
