#include "kernel/proc/itimer.h"

#include "kernel/arch/timer.h"
#include "kernel/lib/panic.h"
#include "kernel/proc/process.h"
#include "kernel/proc/uaccess.h"

namespace {

constexpr int64_t ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;
constexpr uint64_t US_PER_SECOND = 1000000;
constexpr int64_t err(Error e) { return -static_cast<int64_t>(to_errno(e)); }

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

// put_itimerval's timeval of a tick count: whole microseconds, rounded down.
TimeVal timeval_of(uint64_t ticks) {
  const uint64_t f = arch_counter_frequency();
  return TimeVal{static_cast<int64_t>(ticks / f),
                 static_cast<int64_t>(ticks % f * US_PER_SECOND / f)};
}

// itimer_get_remtime and it_real_incr.
ItimerVal real_value(const RealTimer& t, uint64_t now) {
  ItimerVal v{timeval_of(t.interval), TimeVal{0, 0}};
  if (t.queued) {
    v.value = t.expires > now ? timeval_of(t.expires - now) : TimeVal{0, 1};
  }
  return v;
}

}  // namespace

int64_t sys_setitimer(Process& p, int64_t which, uint64_t value, uint64_t old) {
  ItimerVal set{};
  if (value != 0) {
    if (copy_from_user(*p.mm, &set, value, sizeof(set)).is_error()) return err(Error::Fault);
    if (!valid(set.value) || !valid(set.interval)) return err(Error::Invalid);
  }
  const uint64_t now = arch_counter_read();
  ItimerVal previous{};
  switch (which) {
    case ITIMER_REAL: {
      RealTimer& t = p.real_timer;
      previous = real_value(t, now);
      t.queued = !zero(set.value);
      t.interval = t.queued ? ticks_of(set.interval) : 0;
      t.expires = t.queued ? now + ticks_of(set.value) : 0;
      break;
    }
    case ITIMER_VIRTUAL:
    case ITIMER_PROF:
      if (!zero(set.value)) return err(Error::Invalid);
      break;
    default:
      return err(Error::Invalid);
  }
  if (old != 0 && copy_to_user(*p.mm, old, &previous, sizeof(previous)).is_error()) {
    return err(Error::Fault);
  }
  return 0;
}

int64_t sys_getitimer(Process& p, int64_t which, uint64_t value) {
  ItimerVal v{};
  if (which == ITIMER_REAL) {
    v = real_value(p.real_timer, arch_counter_read());
  } else if (which != ITIMER_VIRTUAL && which != ITIMER_PROF) {
    return err(Error::Invalid);
  }
  return copy_to_user(*p.mm, value, &v, sizeof(v)).is_error() ? err(Error::Fault) : 0;
}

void real_timer_expire(Process& p, uint64_t now) {
  RealTimer& t = p.real_timer;
  if (!t.queued || now < t.expires) return;
  t.queued = false;
  SignalInfo info{};
  info.signo = SIGNAL_ALRM;
  info.code = CODE_KERNEL;
  // A standard signal merges with a pending instance, so sending it cannot fail.
  MUST(p.signals.send(info));
}

void real_timer_signal_taken(Process& p, uint64_t now) {
  RealTimer& t = p.real_timer;
  if (t.queued || t.interval == 0) return;
  // hrtimer_forward: the first expiry after now, whole intervals on from the last one.
  if (t.expires <= now) t.expires += ((now - t.expires) / t.interval + 1) * t.interval;
  t.queued = true;
}
