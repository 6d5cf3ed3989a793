// A user program that never calls the kernel is taken back by the timer: its run ends as
// Interrupt within a time slice (interrupts.h), the timer is stopped again, and the kernel runs
// with IRQs masked as before. The program resumes where it was interrupted. The slice runs on
// through system calls: a program that keeps calling the kernel is taken back too.

#include "arch/arm64/gic.h"
#include "arch/arm64/interrupts.h"
#include "arch/arm64/sysreg.h"
#include "arch/arm64/tests/user_program.h"
#include "kernel/arch/timer.h"
#include "kernel/test/test.h"

using namespace arm64_test;

namespace {

constexpr uint64_t DAIF_I = uint64_t{1} << 7;

}  // namespace

KTEST(arm64_user_interrupt, spinning_program_is_interrupted) {
  KTEST_NOTE("GICv%d, timer INTID %u", arm64::gic_version() == arm64::GicVersion::V3 ? 3 : 2,
             arm64::timer_intid());
  const uint32_t program[] = {add_imm(0, 0, 1), B_SELF};
  UserProgram user;
  ASSERT_TRUE(user.load(program, 2));
  for (int round = 0; round < 3; round++) {
    // A slice that ends before the ADD (a slow host: the first slice may end at once) is resumed,
    // up to MAX_RESUMES slices, until the program is in its spin.
    UserExit exit = user.run();
    for (unsigned n = 0; exit.kind == UserExitKind::Interrupt &&
                         arch_user_pc(&user.context()) != CODE + 4 && n < UserProgram::MAX_RESUMES;
         n++) {
      exit = user.run();
    }
    ASSERT_EQ(static_cast<int>(exit.kind), static_cast<int>(UserExitKind::Interrupt));
    EXPECT_EQ(arm64::last_interrupt(), arm64::timer_intid());
    // Spinning on the B ., having made the ADD once.
    EXPECT_EQ(arch_user_pc(&user.context()), CODE + 4);
    EXPECT_EQ(user.context().frame.x[0], 1u);
    EXPECT_EQ(ARM64_READ_SYSREG(daif) & DAIF_I, DAIF_I);
    EXPECT_EQ(ARM64_READ_SYSREG(cntv_ctl_el0) & 1, 0u);
  }
}

KTEST(arm64_user_interrupt, no_interrupt_is_left_pending) {
  // A run that ends by a system call right away is not followed by a stale timer interrupt once
  // the slice is over. (Within one slice the runs share it, and a slow host may end it.)
  const uint32_t program[] = {SVC_0, SVC_0, SVC_0};
  UserProgram user;
  ASSERT_TRUE(user.load(program, 3));
  for (int round = 0; round < 3; round++) {
    arch_user_slice_end();
    EXPECT_EQ(static_cast<int>(user.run().kind), static_cast<int>(UserExitKind::SystemCall));
  }
  EXPECT_EQ(arch_user_pc(&user.context()), CODE + 12);
}

KTEST(arm64_user_interrupt, a_program_that_keeps_calling_the_kernel_is_interrupted) {
  const uint32_t program[] = {SVC_0};
  UserProgram user;
  ASSERT_TRUE(user.load(program, 1));
  // A system call leaves the slice's timer armed and the next run does not re-arm it (unless a
  // slow host ended the slice already).
  UserExitKind first = user.run().kind;
  const uint64_t deadline = ARM64_READ_SYSREG(cntv_cval_el0);
  if (first == UserExitKind::SystemCall) {
    EXPECT_EQ(ARM64_READ_SYSREG(cntv_ctl_el0) & 1, 1u);
    arch_user_set_pc(&user.context(), CODE);
    if (user.run().kind == UserExitKind::SystemCall) {
      EXPECT_EQ(ARM64_READ_SYSREG(cntv_cval_el0), deadline);
    }
  }
  // Each run is a system call; one slice (10 ms) later a run ends as Interrupt. A second is a
  // hang's limit, not a speed.
  const uint64_t limit = arch_counter_read() + arch_counter_frequency();
  uint64_t calls = 0;
  UserExitKind kind = UserExitKind::SystemCall;
  while (kind == UserExitKind::SystemCall && arch_counter_read() < limit) {
    arch_user_set_pc(&user.context(), CODE);
    kind = user.run().kind;
    calls++;
  }
  KTEST_NOTE("interrupted after %llu runs", static_cast<unsigned long long>(calls));
  EXPECT_EQ(static_cast<int>(kind), static_cast<int>(UserExitKind::Interrupt));
  EXPECT_GT(calls, 1u);
  EXPECT_EQ(arm64::last_interrupt(), arm64::timer_intid());
  arch_user_set_pc(&user.context(), CODE);
  if (user.run().kind == UserExitKind::SystemCall) {
    arch_user_slice_end();
    EXPECT_EQ(ARM64_READ_SYSREG(cntv_ctl_el0) & 1, 0u);
  }
}
