// Timer contract: a free-running monotonic counter (arm64 CNTVCT_EL0, powerpc timebase).
#pragma once

#include <stdint.h>

uint64_t arch_counter_read();
// Ticks per second of arch_counter_read(); never 0.
uint64_t arch_counter_frequency();

// Whether Linux's alarmtimer has the machine's RTC to wake it, so CLOCK_REALTIME_ALARM and
// CLOCK_BOOTTIME_ALARM can be read (alarmtimer_get_rtcdev): arm64 virt's PL031 has an alarm,
// pseries's RTAS clock none.
bool arch_has_alarm_clocks();
