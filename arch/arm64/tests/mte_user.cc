// Several user processes with different MTE states at once under the round-robin scheduler
// (user/mte_cswitch.cc), which passes to the next process at every kernel entry (each system call
// or interrupt): each checks, while the others run between its turns, that IRG
// gives only the tag its prctl included (GCR_EL1) and that a mismatched load faults exactly when it
// asked for synchronous checking (SCTLR_EL1.TCF0). Needs FEAT_MTE2 and the initramfs.

#include "kernel/arch/cpu_features.h"
#include "kernel/lib/boot_info.h"
#include "kernel/proc/scheduler.h"
#include "kernel/proc/user_suites.h"
#include "kernel/test/test.h"

namespace {

void discard(void*, const char*, size_t) {}

}  // namespace

KTEST(arm64_mte_user, gcr_and_tcf0_switch_with_the_process) {
  if (!arch_supports_mte()) KTEST_SKIP("no FEAT_MTE2 (ID_AA64PFR1_EL1.MTE < 2)");
  constexpr unsigned COUNT = 3;
  Sink sink(&discard, nullptr);
  const SchedulerOptions options = user_scheduler_options(boot_info());
  Process* processes[COUNT] = {};
  for (unsigned i = 0; i < COUNT; i++) {
    const char* reason = nullptr;
    Result<Process*> started =
        user_program_start(boot_info(), "/bin/mte_cswitch", &sink, &sink, &reason);
    // Only the first can find no program: the others start the same file.
    if (i == 0 && started.is_error() &&
        (started.error() == Error::NotFound || started.error() == Error::NotSupported)) {
      KTEST_SKIP("no user programs here");
    }
    ASSERT_OK(started);
    processes[i] = started.value();
    scheduler_add(processes[i], options);
  }
  for (Process* p : processes) scheduler_run_until_exit(p);
  for (Process* p : processes) {
    KTEST_NOTE("pid %d: wait status %#x, %llu slices", p->pid, p->exit.wait_status(),
               static_cast<unsigned long long>(p->slices));
    EXPECT_EQ(p->exit.wait_status(), 0);
    process_destroy(p);
  }
}
