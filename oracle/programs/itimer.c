// setitimer and getitimer's ITIMER_REAL (Linux 6.12 kernel/time/itimer.c): the checks and
// their order (EFAULT, EINVAL for a bad timeval or timer), what getitimer reads while the timer
// runs (a value within the one set, the interval exactly) and after it fired, the old value
// setitimer returns, a NULL value (the timer stops); SIGALRM's si_code and the sleep it
// interrupts, once and periodically; and a periodic timer whose SIGALRM is blocked or ignored,
// which stops until the process takes the signal (dequeue_signal re-arms it). ITIMER_VIRTUAL read
// and set to 0 (the program itimers arms the CPU-time timers, and has alarm). Times are never
// printed, only whether they lie within what was set, with margins a loaded machine's delays
// between two calls stay within.
#define _GNU_SOURCE
#include <sys/time.h>
#include <time.h>

#include "oracle/programs/obs_signal.h"

static volatile int alarms, alarm_code;

static void on_alarm(int signo, siginfo_t* info, void* context) {
  (void)signo;
  (void)context;
  alarms++;
  alarm_code = info->si_code;
}

static long set_timer(int which, const struct itimerval* value, struct itimerval* old) {
  return syscall(SYS_setitimer, which, value, old);
}

static struct itimerval timer(long value_us, long interval_us) {
  struct itimerval v = {{interval_us / 1000000, interval_us % 1000000},
                        {value_us / 1000000, value_us % 1000000}};
  return v;
}

static long usec(const struct timeval* t) { return t->tv_sec * 1000000 + t->tv_usec; }

// "value 0" or "value within" (0 < left <= set_us) or "value outside", then the interval.
static void print_timer(const char* key, const struct itimerval* v, long set_us) {
  const long left = usec(&v->it_value);
  obs(key, "value %s interval %ld",
      left == 0        ? "0"
      : left <= set_us ? "within"
                       : "outside",
      usec(&v->it_interval));
}

static void get(const char* key, long set_us) {
  struct itimerval v;
  memset(&v, 0x5a, sizeof v);
  if (syscall(SYS_getitimer, ITIMER_REAL, &v) != 0) {
    obs(key, "error %s", errno_name(errno));
    return;
  }
  print_timer(key, &v, set_us);
}

// A nanosleep of `ms`: "slept" or "interrupted".
static const char* sleep_ms(long ms) {
  struct timespec t = {ms / 1000, ms % 1000 * 1000000};
  return syscall(SYS_nanosleep, &t, NULL) == 0 ? "slept" : errno == EINTR ? "interrupted" : "error";
}

static void errors(void) {
  struct itimerval bad_usec = timer(0, 0), negative = timer(0, 0), ok = timer(0, 0);
  bad_usec.it_value.tv_usec = 1000000;
  negative.it_interval.tv_sec = -1;
  obs_status("setitimer.bad_usec", (int)set_timer(ITIMER_REAL, &bad_usec, NULL));
  obs_status("setitimer.negative_interval", (int)set_timer(ITIMER_REAL, &negative, NULL));
  obs_status("setitimer.bad_which", (int)set_timer(3, &ok, NULL));
  obs_status("setitimer.bad_which_bad_usec", (int)set_timer(3, &bad_usec, NULL));
  obs_status("setitimer.value_unreadable", (int)set_timer(ITIMER_REAL, (void*)16, NULL));
  obs_status("setitimer.old_unwritable", (int)set_timer(ITIMER_REAL, &ok, (void*)16));
  obs_status("getitimer.bad_which", (int)syscall(SYS_getitimer, 3, &ok));
  obs_status("getitimer.unwritable", (int)syscall(SYS_getitimer, ITIMER_REAL, (void*)16));
}

static void running(void) {
  get("getitimer.initial", 0);
  struct itimerval two = timer(2000000, 0), old;
  obs_status("setitimer.two_seconds", (int)set_timer(ITIMER_REAL, &two, NULL));
  get("getitimer.two_seconds", 2000000);
  struct itimerval periodic = timer(3000000, 250000);
  memset(&old, 0x5a, sizeof old);
  obs_status("setitimer.replace", (int)set_timer(ITIMER_REAL, &periodic, &old));
  print_timer("setitimer.replace_old", &old, 2000000);
  get("getitimer.replaced", 3000000);
  memset(&old, 0x5a, sizeof old);
  obs_status("setitimer.null_value", (int)set_timer(ITIMER_REAL, NULL, &old));
  print_timer("setitimer.null_value_old", &old, 3000000);
  get("getitimer.stopped", 0);
}

static void firing(void) {
  obs_status("sigaction.alarm", obs_handle(SIGALRM, on_alarm, 0, 0));
  alarms = alarm_code = 0;
  struct itimerval once = timer(20000, 0), off = timer(0, 0);
  obs_status("setitimer.once", (int)set_timer(ITIMER_REAL, &once, NULL));
  const char* slept = sleep_ms(5000);
  obs("alarm.once", "sleep %s alarms %d code %s", slept, alarms,
      obs_code_name(SIGALRM, alarm_code));
  get("getitimer.after_once", 0);

  alarms = 0;
  struct itimerval periodic = timer(10000, 10000);
  obs_status("setitimer.periodic", (int)set_timer(ITIMER_REAL, &periodic, NULL));
  int interrupted = 0;
  for (int i = 0; i < 3; i++) interrupted += strcmp(sleep_ms(5000), "interrupted") == 0;
  obs("alarm.periodic", "interrupted %d alarms_at_least_3 %s", interrupted,
      alarms >= 3 ? "yes" : "no");
  get("getitimer.periodic", 10000);
  obs_status("setitimer.periodic_off", (int)set_timer(ITIMER_REAL, &off, NULL));

  // Blocked: the first SIGALRM stays pending and the timer stops until it is taken, then goes on
  // by whole intervals past that time. The interval is long so that no second SIGALRM comes
  // before the count is read unless the program is held up for 5 s.
  struct itimerval long_period = timer(10000, 5000000);
  sigset_t alrm;
  sigemptyset(&alrm);
  sigaddset(&alrm, SIGALRM);
  sigprocmask(SIG_BLOCK, &alrm, NULL);
  alarms = 0;
  obs_status("setitimer.blocked", (int)set_timer(ITIMER_REAL, &long_period, NULL));
  slept = sleep_ms(100);
  obs("alarm.blocked", "sleep %s alarms %d", slept, alarms);
  get("getitimer.blocked", 5000000);
  sigprocmask(SIG_UNBLOCK, &alrm, NULL);
  obs("alarm.unblocked", "alarms %d", alarms);
  get("getitimer.unblocked", 5000000);
  obs_status("setitimer.blocked_off", (int)set_timer(ITIMER_REAL, &off, NULL));

  // Ignored: the SIGALRM is dropped when sent, so nothing re-arms the timer.
  signal(SIGALRM, SIG_IGN);
  obs_status("setitimer.ignored", (int)set_timer(ITIMER_REAL, &periodic, NULL));
  obs("alarm.ignored", "sleep %s", sleep_ms(100));
  get("getitimer.ignored", 10000);
  obs_status("setitimer.ignored_off", (int)set_timer(ITIMER_REAL, &off, NULL));
}

static void virtual_timer(void) {
  struct itimerval v, off = timer(0, 0);
  memset(&v, 0x5a, sizeof v);
  obs_status("getitimer.virtual", (int)syscall(SYS_getitimer, ITIMER_VIRTUAL, &v));
  print_timer("getitimer.virtual_value", &v, 0);
  obs_status("setitimer.virtual_off", (int)set_timer(ITIMER_VIRTUAL, &off, NULL));
}

int main(void) {
  errors();
  running();
  firing();
  virtual_timer();
  return 0;
}
