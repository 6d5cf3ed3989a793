// What each arch's vDSO assembly (arch/<arch>/vdso/entry.S) gives the neutral vDSO functions
// (kernel/vdso/vdso.cc): the counter the kernel's clock counts (arm64 CNTVCT_EL0, powerpc's
// timebase) and the system calls a vDSO function falls back to, returning the result or -errno
// as Linux's own vDSO fallbacks do. The assembly also holds the exported entry points, which find
// the data page at its fixed place before the text and call the functions below with it.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/vdso/vdso_data.h"

struct UserTimespec {
  int64_t sec;
  int64_t nsec;
};
struct UserTimeval {
  int64_t sec;
  int64_t usec;
};
struct UserTimezone {
  int32_t minuteswest;
  int32_t dsttime;
};

extern "C" {
uint64_t vdso_counter();
long vdso_sys_clock_gettime(long clock, UserTimespec* ts);
long vdso_sys_clock_getres(long clock, UserTimespec* res);
long vdso_sys_getrandom(void* buffer, size_t len, unsigned flags);

// The neutral functions, each with the data page as its last argument; they return 0 or -errno
// (the powerpc entries turn that into its CR0.SO convention).
long vdso_clock_gettime(long clock, UserTimespec* ts, const VdsoData* data);
long vdso_clock_getres(long clock, UserTimespec* res, const VdsoData* data);
long vdso_gettimeofday(UserTimeval* tv, UserTimezone* tz, const VdsoData* data);
int64_t vdso_time(int64_t* t, const VdsoData* data);
long vdso_getrandom(void* buffer, size_t len, unsigned flags, void* state, size_t state_len,
                    const VdsoData* data);
long vdso_getcpu(unsigned* cpu, unsigned* node, const VdsoData* data);
}
