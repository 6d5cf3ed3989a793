// The vDSO's functions in C++, built for each arch's vDSO only (position independent, no data of
// its own, no TOC on powerpc: everything it reads comes through the data-page argument). The
// clocks the kernel counts are read here; anything else goes to the system call, which gives the
// answer the kernel would, as Linux's vDSO does for clocks it cannot serve
// (lib/vdso/gettimeofday.c).
#include "kernel/vdso/vdso_arch.h"

namespace {

constexpr long ENOSYS = 38;

VdsoTime now(const VdsoData* data) {
  return vdso_read_time(*data, [] { return vdso_counter(); });
}

}  // namespace

extern "C" {

long vdso_clock_gettime(long clock, UserTimespec* ts, const VdsoData* data) {
  if (!vdso_counted_clock(clock)) return vdso_sys_clock_gettime(clock, ts);
  const VdsoTime t = now(data);
  ts->sec = static_cast<int64_t>(t.seconds);
  ts->nsec = static_cast<int64_t>(t.nanoseconds);
  return 0;
}

long vdso_clock_getres(long clock, UserTimespec* res, const VdsoData*) {
  if (!vdso_counted_clock(clock)) return vdso_sys_clock_getres(clock, res);
  if (res != nullptr) {
    res->sec = 0;
    res->nsec = vdso_counted_clock_resolution_ns(clock);
  }
  return 0;
}

// There is no time zone: tz reads as UTC, as the kernel's sys_tz starts.
long vdso_gettimeofday(UserTimeval* tv, UserTimezone* tz, const VdsoData* data) {
  if (tv != nullptr) {
    const VdsoTime t = now(data);
    tv->sec = static_cast<int64_t>(t.seconds);
    tv->usec = static_cast<int64_t>(t.nanoseconds / 1000);
  }
  if (tz != nullptr) {
    tz->minuteswest = 0;
    tz->dsttime = 0;
  }
  return 0;
}

int64_t vdso_time(int64_t* t, const VdsoData* data) {
  const auto seconds = static_cast<int64_t>(now(data).seconds);
  if (t != nullptr) *t = seconds;
  return seconds;
}

// Linux 6.12's vgetrandom (lib/vdso/getrandom.c) generates bytes in user mode from a per-thread
// state whose size the caller asks for first (opaque_len ~0, no buffer): this vDSO keeps no
// generator, so it answers that question -ENOSYS (glibc then uses the system call itself), and
// every other call is the getrandom system call, the fallback Linux's vgetrandom takes whenever
// it cannot generate.
long vdso_getrandom(void* buffer, size_t len, unsigned flags, void*, size_t state_len,
                    const VdsoData*) {
  if (state_len == ~size_t{0} && buffer == nullptr && len == 0 && flags == 0) return -ENOSYS;
  return vdso_sys_getrandom(buffer, len, flags);
}

// One CPU, one node.
long vdso_getcpu(unsigned* cpu, unsigned* node, const VdsoData*) {
  if (cpu != nullptr) *cpu = 0;
  if (node != nullptr) *node = 0;
  return 0;
}
}
