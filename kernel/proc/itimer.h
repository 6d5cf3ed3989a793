// The interval timers of setitimer, getitimer and powerpc's alarm (Linux 6.12
// kernel/time/itimer.c). Each signal comes from the kernel (SI_KERNEL; an ignored one is dropped
// when sent) and merges with a pending instance, as a standard signal does.
//
// ITIMER_REAL counts on the arch counter and sends SIGALRM (it_real_fn), after which it is no
// longer queued; a periodic one is queued again, by whole intervals past the time, when the
// process takes that SIGALRM off its pending set (dequeue_signal), so a blocked or ignored
// SIGALRM leaves it stopped, as on Linux, where getitimer then reads 0 left. The scheduler fires
// it whenever it picks a process or waits, and wakes a sleeper for it.
//
// ITIMER_VIRTUAL and ITIMER_PROF count the process's CPU time (process_cpu_ticks) and send
// SIGVTALRM and SIGPROF (check_cpu_itimer), re-armed by one interval when they fire. Arming one
// adds a tick (set_cpu_itimer's TICK_NSEC) and a disarmed one keeps its interval. The scheduler
// checks them at the end of a turn, as Linux checks them at the tick.
//
// getitimer reads the time left (when due but not yet fired: 1 us for the real timer, a tick for
// a CPU one), to the microsecond below, and the interval.
//
// What differs from Linux: Maplet does not tell user from system time, so ITIMER_VIRTUAL counts
// the same time as ITIMER_PROF (the time of the process's turns).
#pragma once

#include <stdint.h>

struct Process;

// One timer's state (Linux's signal->real_timer with it_real_incr, and signal->it[]), in ticks
// of its clock: the arch counter for ITIMER_REAL, the process's CPU ticks for the others.
struct IntervalTimer {
  bool armed = false;
  uint64_t expires = 0;   // when it fires; ITIMER_REAL keeps it while stopped, to go on from it
  uint64_t interval = 0;  // 0: it fires once
};

// setitimer(which, value, old) and getitimer(which, value), value and old user pointers to
// struct itimerval (two struct timeval, 64-bit fields on both arches); value may be 0 (all
// zero: the timer stops). -errno on failure: EFAULT, EINVAL (a tv_usec outside 0..999999, a
// negative tv_sec, an unknown timer), in Linux's order.
int64_t sys_setitimer(Process& p, int64_t which, uint64_t value, uint64_t old);
int64_t sys_getitimer(Process& p, int64_t which, uint64_t value);
// alarm(seconds): arms ITIMER_REAL once (0 stops it) and returns the seconds that were left,
// rounded to the nearest, at least 1 while any time was left (alarm_setitimer).
int64_t sys_alarm(Process& p, uint64_t seconds);

// it_real_fn: sends SIGALRM when the real timer is queued and due at counter value `now`.
void real_timer_expire(Process& p, uint64_t now);
// dequeue_signal's SIGALRM: a periodic real timer that is not queued goes forward from its last
// expiry by whole intervals to the first time after `now` and is queued again.
void real_timer_signal_taken(Process& p, uint64_t now);
// When the real timer fires (a counter value), or ~0 when it is not queued.
uint64_t real_timer_due(const Process& p);
// check_cpu_itimer: sends SIGVTALRM and SIGPROF for the CPU timers `p`'s CPU ticks have reached.
void cpu_timers_expire(Process& p, uint64_t cpu_ticks);
