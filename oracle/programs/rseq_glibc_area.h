// The rseq area glibc registered for the calling thread at its start (glibc 2.35 and later,
// <sys/rseq.h>): __rseq_offset bytes from the thread pointer.
#pragma once

#include <sys/rseq.h>

static inline void* rseq_glibc_area(void) {
  char* tp;
#if defined(__aarch64__)
  __asm__("mrs %0, tpidr_el0" : "=r"(tp));
#else
  __asm__("mr %0, 13" : "=r"(tp));
#endif
  return tp + __rseq_offset;
}
