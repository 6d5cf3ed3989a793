// Restartable sequences where a program's own KTAP cannot judge (user/rseq_run.cc): a critical
// section the timer preempts, which only another process sharing the CPU makes a context switch,
// and the critical-section descriptors and areas Linux answers with SIGSEGV SI_KERNEL, each in a
// process of its own. They need user mode and the initramfs (the host build and a boot without
// -initrd skip them).

#include "kernel/lib/boot_info.h"
#include "kernel/proc/scheduler.h"
#include "kernel/proc/user_suites.h"
#include "kernel/test/test.h"
#include "kernel/test/tests/start_program.h"

namespace {

void discard(void*, const char*, size_t) {}

// `path` with `args`, queued (start_test_program skips the case where there are no programs).
Process* start(const char* path, const char* const* args, unsigned count, Sink* sink,
               const SchedulerOptions& options) {
  Process* p = start_test_program(path, sink, args, count);
  scheduler_add(p, options);
  return p;
}

Process* start_case(const char* mode, Sink* sink, const SchedulerOptions& options) {
  const char* args[] = {mode};
  return start("/test/rseq_run", args, 1, sink, options);
}

}  // namespace

// A process spinning inside its critical section beside /bin/spin: a timer interrupt passes the
// CPU to the spinner, and the switch back restarts the section at its abort handler. The spinner
// is killed after SPINNER_SLICES preemptions, long after the section's program reached its spin
// (its start-up takes a few system calls, each of which passes the CPU on too).
KTEST(rseq, timer_preemption_restarts_a_spinning_section) {
  constexpr uint64_t SPINNER_SLICES = 20;
  Sink sink(&discard, nullptr);
  const SchedulerOptions options = user_scheduler_options(boot_info());
  SchedulerOptions spinner_options = options;
  spinner_options.slice_allowance = SPINNER_SLICES;
  Process* section = start_case("spin", &sink, options);
  Process* spinner = start("/bin/spin", nullptr, 0, &sink, spinner_options);
  scheduler_run_until_exit(section);
  scheduler_run_until_exit(spinner);
  KTEST_NOTE("section: wait status %#x, %llu slices; spinner: wait status %#x, %llu slices",
             section->exit.wait_status(), static_cast<unsigned long long>(section->slices),
             spinner->exit.wait_status(), static_cast<unsigned long long>(spinner->slices));
  EXPECT_EQ(section->exit.wait_status(), 0);
  EXPECT_EQ(spinner->exit.signal, SIGNAL_KILL);
  process_destroy(section);
  process_destroy(spinner);
}

KTEST(rseq, refused_sections_and_areas_are_sigsegv) {
  static const char* const CASES[] = {"signature",      "version",          "abort_inside",
                                      "start_beyond",   "end_beyond",       "overflow",
                                      "pointer_beyond", "pointer_unmapped", "handled",
                                      "signal",         "read_only_area"};
  Sink sink(&discard, nullptr);
  const SchedulerOptions options = user_scheduler_options(boot_info());
  for (const char* mode : CASES) {
    Process* p = start_case(mode, &sink, options);
    scheduler_run_until_exit(p);
    const ProcessExit exit = p->exit;
    process_destroy(p);
    KTEST_NOTE("%s: wait status %#x, si_code %#x", mode, exit.wait_status(), exit.code);
    EXPECT_EQ(static_cast<int>(exit.kind), static_cast<int>(ExitKind::Signaled));
    EXPECT_EQ(exit.signal, SIGNAL_SEGV);
    EXPECT_EQ(exit.code, CODE_KERNEL);
    EXPECT_FALSE(exit.core);
  }
}
