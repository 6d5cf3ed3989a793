// The decrementer as the tests read it (Book III, "Decrementer"): SPRN_DEC, a count of time-base
// ticks that goes below zero once it has expired.
#pragma once

#include <stdint.h>

#include "arch/powerpc/regs.h"

inline int64_t read_decrementer() {
  int64_t value;
  asm volatile("mfspr %0, %1" : "=r"(value) : "i"(SPRN_DEC));
  return value;
}
