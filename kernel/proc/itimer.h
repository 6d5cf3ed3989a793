// The interval timers of setitimer and getitimer (Linux 6.12 kernel/time/itimer.c). ITIMER_REAL
// counts on the arch counter: when it expires the process is sent SIGALRM with SI_KERNEL
// (it_real_fn's kill_pid_info with SEND_SIG_PRIV; an ignored SIGALRM is dropped then) and the
// timer is no longer queued; a periodic one is queued again, by whole intervals past the time,
// when the process takes that SIGALRM off its pending set (dequeue_signal), so a blocked or
// ignored SIGALRM leaves it stopped, as on Linux, where getitimer then reads 0 left.
// getitimer reads the time left (1 us when it is due but has not fired yet), to the
// microsecond below, and the interval.
//
// What differs from Linux: ITIMER_VIRTUAL and ITIMER_PROF count CPU time, which Maplet does not
// account: getitimer reads them as never set, and setitimer takes only a value that leaves them
// off (EINVAL for one that would start them).
#pragma once

#include <stdint.h>

struct Process;

// ITIMER_REAL's state (Linux's signal->real_timer and it_real_incr), in arch counter ticks.
struct RealTimer {
  bool queued = false;
  uint64_t expires = 0;   // when queued: the counter value it fires at
  uint64_t interval = 0;  // 0: it fires once
};

// setitimer(which, value, old) and getitimer(which, value), value and old user pointers to
// struct itimerval (two struct timeval, 64-bit fields on both arches); value may be 0 (all
// zero: the timer stops). -errno on failure: EFAULT, EINVAL (a tv_usec outside 0..999999, a
// negative tv_sec, an unknown timer), in Linux's order.
int64_t sys_setitimer(Process& p, int64_t which, uint64_t value, uint64_t old);
int64_t sys_getitimer(Process& p, int64_t which, uint64_t value);

// it_real_fn: sends SIGALRM when the timer is queued and due at `now`.
void real_timer_expire(Process& p, uint64_t now);
// dequeue_signal's SIGALRM: a periodic timer that is not queued goes forward from its last
// expiry by whole intervals to the first time after `now` and is queued again.
void real_timer_signal_taken(Process& p, uint64_t now);
