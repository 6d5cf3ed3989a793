// Processes from the initramfs, driven by the kernel itself: many lifetimes that leave the free
// page count where it was, and several processes alive at once under the round-robin scheduler,
// each preempted many times while its registers must survive every switch. They need user mode
// and the initramfs (the host build and a boot without -initrd skip them).

#include "kernel/lib/boot_info.h"
#include "kernel/mm/physical_pages.h"
#include "kernel/proc/kernel_memory.h"
#include "kernel/proc/user_suites.h"
#include "kernel/test/test.h"

namespace {

void discard(void*, const char*, size_t) {}

Process* start(const char* path, Sink* sink) {
  const char* reason = nullptr;
  Result<Process*> p = user_program_start(boot_info(), path, sink, sink, &reason);
  if (p.is_error()) {
    KTEST_NOTE("%s: %s (%s)", path, reason, error_name(p.error()));
    if (p.error() == Error::NotFound || p.error() == Error::NotSupported) {
      KTEST_SKIP("no user programs here");
    }
    ASSERT_OK(p);
  }
  return p.value();
}

}  // namespace

KTEST(process, lifetimes_return_every_page) {
  constexpr unsigned LIFETIMES = 300;
  Sink sink(&discard, nullptr);
  SchedulerOptions options = user_scheduler_options(boot_info());
  // The shared Vma and node caches may keep an empty slab: measured without them.
  kernel_memory_shrink();
  const uint64_t before = physical_pages().free_pages();
  for (unsigned i = 0; i < LIFETIMES; i++) {
    Process* p = start("/bin/minimal", &sink);
    if (p == nullptr) return;
    scheduler_add(p, options);
    scheduler_run_until_exit(p);
    const ProcessExit exit = p->exit;
    process_destroy(p);
    ASSERT_EQ(exit.wait_status(), 0);
  }
  kernel_memory_shrink();
  const uint64_t after = physical_pages().free_pages();
  KTEST_NOTE("%u process lifetimes: %llu free pages before, %llu after", LIFETIMES,
             static_cast<unsigned long long>(before), static_cast<unsigned long long>(after));
  EXPECT_EQ(after, before);
}

KTEST(process, round_robin_preempts_several) {
  constexpr unsigned COUNT = 3;
  Sink sink(&discard, nullptr);
  SchedulerOptions options = user_scheduler_options(boot_info());
  // /bin/spin checks its registers as it spins: a lost register would end it with status 1.
  options.time_limit_ticks /= 20;
  Process* spinners[COUNT] = {};
  for (Process*& p : spinners) {
    p = start("/bin/spin", &sink);
    if (p == nullptr) return;
    scheduler_add(p, options);
  }
  for (Process* p : spinners) scheduler_run_until_exit(p);
  for (Process* p : spinners) {
    EXPECT_EQ(static_cast<int>(p->exit.kind), static_cast<int>(ExitKind::TimeLimit));
    // Each was preempted by the timer while the others were alive (how often depends on the
    // host's speed: a 250 ms limit holds a few 10 ms slices each).
    EXPECT_GE(p->slices, 2u);
    KTEST_NOTE("pid %d: %llu slices", p->pid, static_cast<unsigned long long>(p->slices));
    process_destroy(p);
  }
}
