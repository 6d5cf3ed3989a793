#include "kernel/proc/itimer.h"

#include "kernel/arch/timer.h"
#include "kernel/lib/panic.h"
#include "kernel/proc/process.h"
#include "kernel/proc/scheduler.h"
#include "kernel/proc/uaccess.h"

namespace {

constexpr int64_t ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;
constexpr uint64_t US_PER_SECOND = 1000000;
// TICK_NSEC at Debian's HZ of 250, in microseconds.
constexpr uint64_t TICK_US = 4000;

struct TimeVal {
  int64_t sec, usec;
};
struct ItimerVal {
  TimeVal interval, value;
};

// timeval_valid.
bool valid(const TimeVal& t) { return t.sec >= 0 && static_cast<uint64_t>(t.usec) < US_PER_SECOND; }

bool zero(const TimeVal& t) { return t.sec == 0 && t.usec == 0; }

// Counter ticks of a valid timeval; one past the counter's range counts as "never" (the time
// limit ends the program first).
uint64_t ticks_of(const TimeVal& t) {
  const uint64_t f = arch_counter_frequency();
  const uint64_t sec = static_cast<uint64_t>(t.sec);
  if (sec > ~uint64_t{0} / f / 4) return ~uint64_t{0} / 4;
  return sec * f + static_cast<uint64_t>(t.usec) * f / US_PER_SECOND;
}

uint64_t tick_ticks() { return ticks_of(TimeVal{0, static_cast<int64_t>(TICK_US)}); }

// put_itimerval's timeval of a tick count: whole microseconds, rounded down.
TimeVal timeval_of(uint64_t ticks) {
  const uint64_t f = arch_counter_frequency();
  return TimeVal{static_cast<int64_t>(ticks / f),
                 static_cast<int64_t>(ticks % f * US_PER_SECOND / f)};
}

bool known(int64_t which) {
  return which == ITIMER_REAL || which == ITIMER_VIRTUAL || which == ITIMER_PROF;
}

// The clock timer `which` counts on, now.
uint64_t clock_now(const Process& p, int64_t which) {
  return which == ITIMER_REAL ? arch_counter_read() : process_cpu_ticks(p);
}

// The ticks left on timer `which` (itimer_get_remtime, get_cpu_itimer): 0 when it is not
// armed; when it is due but has not fired, 1 us for the real timer and a tick for a CPU one.
uint64_t ticks_left(const Process& p, int64_t which) {
  const IntervalTimer& t = p.itimers[which];
  if (!t.armed) return 0;
  const uint64_t now = clock_now(p, which);
  if (t.expires > now) return t.expires - now;
  return which == ITIMER_REAL ? ticks_of(TimeVal{0, 1}) : tick_ticks();
}

ItimerVal value_of(const Process& p, int64_t which) {
  return ItimerVal{timeval_of(p.itimers[which].interval), timeval_of(ticks_left(p, which))};
}

// do_setitimer's arming of a known timer: `value` from now (zero stops it), then every
// `interval`. A stopped real timer drops its interval; a stopped CPU timer keeps it.
void arm(Process& p, int64_t which, const TimeVal& value, const TimeVal& interval) {
  IntervalTimer& t = p.itimers[which];
  t.armed = !zero(value);
  t.interval = t.armed || which != ITIMER_REAL ? ticks_of(interval) : 0;
  if (!t.armed) return;
  t.expires = clock_now(p, which) + ticks_of(value);
  if (which != ITIMER_REAL) t.expires += tick_ticks();
}

void send(Process& p, int signo) {
  SignalInfo info{};
  info.signo = signo;
  info.code = CODE_KERNEL;
  // A standard signal merges with a pending instance, so sending it cannot fail.
  MUST(p.signals.send(info));
}

void cpu_timer_expire(Process& p, int64_t which, int signo, uint64_t cpu_ticks) {
  IntervalTimer& t = p.itimers[which];
  if (!t.armed || cpu_ticks < t.expires) return;
  if (t.interval == 0) {
    t.armed = false;
  } else {
    t.expires += t.interval;
  }
  send(p, signo);
}

}  // namespace

int64_t sys_setitimer(Process& p, int64_t which, uint64_t value, uint64_t old) {
  ItimerVal set{};
  if (value != 0) {
    if (copy_from_user(*p.mm, &set, value, sizeof(set)).is_error())
      return negative_errno(Error::Fault);
    if (!valid(set.value) || !valid(set.interval)) return negative_errno(Error::Invalid);
  }
  if (!known(which)) return negative_errno(Error::Invalid);
  const ItimerVal previous = value_of(p, which);
  arm(p, which, set.value, set.interval);
  if (old != 0 && copy_to_user(*p.mm, old, &previous, sizeof(previous)).is_error()) {
    return negative_errno(Error::Fault);
  }
  return 0;
}

int64_t sys_getitimer(Process& p, int64_t which, uint64_t value) {
  if (!known(which)) return negative_errno(Error::Invalid);
  const ItimerVal v = value_of(p, which);
  return copy_to_user(*p.mm, value, &v, sizeof(v)).is_error() ? negative_errno(Error::Fault) : 0;
}

int64_t sys_alarm(Process& p, uint64_t seconds) {
  const uint64_t left = ticks_left(p, ITIMER_REAL);
  arm(p, ITIMER_REAL, TimeVal{static_cast<uint32_t>(seconds), 0}, TimeVal{0, 0});
  const uint64_t f = arch_counter_frequency();
  const uint64_t whole = left / f, fraction = left % f;
  return static_cast<int64_t>(whole + ((whole == 0 && fraction != 0) || fraction * 2 >= f));
}

void real_timer_expire(Process& p, uint64_t now) {
  IntervalTimer& t = p.itimers[ITIMER_REAL];
  if (!t.armed || now < t.expires) return;
  t.armed = false;
  send(p, SIGNAL_ALRM);
}

void real_timer_signal_taken(Process& p, uint64_t now) {
  IntervalTimer& t = p.itimers[ITIMER_REAL];
  if (t.armed || t.interval == 0) return;
  // hrtimer_forward: the first expiry after now, whole intervals on from the last one.
  if (t.expires <= now) t.expires += ((now - t.expires) / t.interval + 1) * t.interval;
  t.armed = true;
}

uint64_t real_timer_due(const Process& p) {
  const IntervalTimer& t = p.itimers[ITIMER_REAL];
  return t.armed ? t.expires : ~uint64_t{0};
}

void cpu_timers_expire(Process& p, uint64_t cpu_ticks) {
  cpu_timer_expire(p, ITIMER_VIRTUAL, SIGNAL_VTALRM, cpu_ticks);
  cpu_timer_expire(p, ITIMER_PROF, SIGNAL_PROF, cpu_ticks);
}
