// The vDSO's data page ("[vvar]"), shared by the kernel, which writes it, and the vDSO, which
// reads it in user mode. The layout is Maplet's own (Linux's struct vdso_data is not ABI: only
// the vDSO's functions read it), the same on both arches, and it sits at the start of the first
// [vvar] page, a fixed distance before the vDSO text (the linker scripts place their data symbol
// at -vvar_pages pages).
//
// The clock: every clock the vDSO serves (vdso_counted_clock) is the arch counter since it started,
// as the clock_gettime system call counts it (there is no wall clock). The kernel keeps a base of
// whole seconds, counter_base = seconds_base * frequency, and a reader adds the ticks since then,
// which gives exactly the system call's time for the same counter value. Updates go under a
// sequence count (Linux's vdso_write_begin/vdso_read_retry pattern): seq is odd while the kernel
// writes; a reader that saw an odd or changed seq reads again.
#pragma once

#include <stdint.h>

#include "kernel/vdso/vdso_data_offsets.h"

inline constexpr uint64_t VDSO_NS_PER_SECOND = 1000000000;

// The clocks that read the counter, in the vDSO and in clock_gettime: CLOCK_REALTIME,
// CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE,
// CLOCK_BOOTTIME and CLOCK_TAI (no NTP slews raw apart, no time is suspended, the TAI offset
// is 0 as Linux starts it, and a coarse read is one Linux gives just after a tick), the
// clocks Linux's generic vDSO serves (lib/vdso/gettimeofday.c).
inline constexpr bool vdso_counted_clock(long clock) {
  return clock == 0 || clock == 1 || clock == 4 || clock == 5 || clock == 6 || clock == 7 ||
         clock == 11;
}

// clock_getres of a counted clock in nanoseconds: hrtimer_resolution, 1 ns, as the counter is
// finer than a nanosecond on both machines; for the coarse clocks LOW_RES_NSEC, a tick at
// Debian's HZ of 250.
inline constexpr long vdso_counted_clock_resolution_ns(long clock) {
  return clock == 5 || clock == 6 ? 4000000 : 1;
}
// powerpc's syscall map: one bit per system call number, most significant bit of word 0 first
// (vdso_setup_syscall_map in arch/powerpc/kernel/vdso.c); room for SYSCALL_MAP_SIZE words.
inline constexpr uint32_t VDSO_SYSCALL_MAP_WORDS = 15;  // (NR_syscalls + 31) / 32 for 463

struct VdsoData {
  uint32_t seq;
  uint32_t syscall_count;  // NR_syscalls, what __kernel_get_syscall_map reports
  uint64_t counter_frequency;
  uint64_t counter_base;
  uint64_t seconds_base;
  uint32_t syscall_map[VDSO_SYSCALL_MAP_WORDS];
};

static_assert(__builtin_offsetof(VdsoData, syscall_count) == VDSO_DATA_SYSCALL_COUNT);
static_assert(__builtin_offsetof(VdsoData, counter_frequency) == VDSO_DATA_FREQUENCY);
static_assert(__builtin_offsetof(VdsoData, syscall_map) == VDSO_DATA_SYSCALL_MAP);

struct VdsoTime {
  uint64_t seconds;
  uint64_t nanoseconds;
};

// The time at counter value `counter` from a consistent snapshot.
inline VdsoTime vdso_time_at(uint64_t counter, uint64_t frequency, uint64_t counter_base,
                             uint64_t seconds_base) {
  const uint64_t ticks = counter - counter_base;
  return {seconds_base + ticks / frequency, ticks % frequency * VDSO_NS_PER_SECOND / frequency};
}

// Reads the clock: a snapshot of the base under the sequence count, then the counter (read
// after the snapshot, so it is never below counter_base). read_counter is the arch's counter.
template <typename ReadCounter>
VdsoTime vdso_read_time(const VdsoData& data, ReadCounter read_counter) {
  for (;;) {
    const uint32_t seq = __atomic_load_n(&data.seq, __ATOMIC_ACQUIRE);
    if ((seq & 1) != 0) continue;
    const uint64_t frequency = __atomic_load_n(&data.counter_frequency, __ATOMIC_RELAXED);
    const uint64_t counter_base = __atomic_load_n(&data.counter_base, __ATOMIC_RELAXED);
    const uint64_t seconds_base = __atomic_load_n(&data.seconds_base, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (__atomic_load_n(&data.seq, __ATOMIC_RELAXED) != seq) continue;
    return vdso_time_at(read_counter(), frequency, counter_base, seconds_base);
  }
}

// The kernel's update: moves the base to the last whole second at `counter`. Needs a single
// writer (the kernel runs on one CPU with interrupts off here).
inline void vdso_write_time(VdsoData& data, uint64_t counter, uint64_t frequency) {
  const uint64_t seconds = counter / frequency;
  const uint32_t seq = data.seq;
  __atomic_store_n(&data.seq, seq + 1, __ATOMIC_RELAXED);
  __atomic_thread_fence(__ATOMIC_RELEASE);
  __atomic_store_n(&data.counter_frequency, frequency, __ATOMIC_RELAXED);
  __atomic_store_n(&data.counter_base, seconds * frequency, __ATOMIC_RELAXED);
  __atomic_store_n(&data.seconds_base, seconds, __ATOMIC_RELAXED);
  __atomic_store_n(&data.seq, seq + 2, __ATOMIC_RELEASE);
}
