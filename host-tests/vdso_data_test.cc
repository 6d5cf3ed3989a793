// The vDSO's clock (kernel/vdso/vdso_data.h): the time a reader computes from the data page is
// the system call's time for the same counter value, and a reader racing the kernel's updates
// never sees a torn base (the sequence count makes it read again).

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "kernel/vdso/vdso_data.h"

namespace {

uint64_t syscall_ns(uint64_t counter, uint64_t frequency) {
  return counter / frequency * VDSO_NS_PER_SECOND +
         counter % frequency * VDSO_NS_PER_SECOND / frequency;
}

uint64_t ns_of(VdsoTime t) { return t.seconds * VDSO_NS_PER_SECOND + t.nanoseconds; }

TEST(VdsoData, ReadsTheSystemCallsTimeFromAnyBase) {
  constexpr uint64_t F = 62500000;  // QEMU virt's CNTFRQ_EL0
  VdsoData data{};
  for (uint64_t written : {uint64_t{0}, F - 1, 3 * F + 17, 1000 * F + F / 2}) {
    vdso_write_time(data, written, F);
    EXPECT_EQ(data.seq % 2, 0u);
    EXPECT_EQ(data.counter_base % F, 0u);
    for (uint64_t later : {uint64_t{0}, uint64_t{1}, F - 1, F, 5 * F + 3}) {
      const uint64_t counter = written + later;
      EXPECT_EQ(ns_of(vdso_read_time(data, [&] { return counter; })), syscall_ns(counter, F))
          << written << " + " << later;
    }
  }
}

TEST(VdsoData, AReaderRacingTheWriterSeesNoTornBase) {
  // The writer moves the base around below a fixed counter value C with two frequencies: each
  // consistent snapshot gives C's time at one of them; a torn one (fields of two updates) gives
  // anything else.
  constexpr uint64_t F1 = 1000, F2 = 1003, C = 1000000000;
  // Each side keeps going until the other has done its share, so the reads and the writes
  // overlap however the host schedules the two threads (a loaded host may run all of one side's
  // share before the other side starts): no count here depends on timing.
  constexpr uint64_t WRITES = 3000000, READS = 3000000;
  VdsoData data{};
  vdso_write_time(data, 0, F1);
  std::atomic<bool> reads_made{false}, writer_done{false};
  uint64_t writes = 0;
  std::thread writer([&] {
    for (uint64_t i = 1; i <= WRITES || !reads_made.load(); i++) {
      vdso_write_time(data, i * 7919 % C, i % 2 ? F2 : F1);
      writes = i;
    }
    writer_done.store(true);
  });
  const uint64_t expected[2] = {syscall_ns(C, F1), syscall_ns(C, F2)};
  uint64_t reads = 0, torn = 0;
  while (!writer_done.load()) {
    const uint64_t ns = ns_of(vdso_read_time(data, [] { return C; }));
    if (ns != expected[0] && ns != expected[1]) torn++;
    if (++reads == READS) reads_made.store(true);
  }
  writer.join();
  EXPECT_EQ(torn, 0u) << "of " << reads << " reads racing " << writes << " writes";
}

}  // namespace
