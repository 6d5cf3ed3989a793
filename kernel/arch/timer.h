// Timer contract: a free-running monotonic counter (arm64 CNTVCT_EL0, powerpc timebase).
#pragma once

#include <stdint.h>

uint64_t arch_counter_read();
// Ticks per second of arch_counter_read(); never 0.
uint64_t arch_counter_frequency();
