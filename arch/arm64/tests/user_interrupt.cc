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
// ISR_EL1.I (Arm ARM D23.2 "ISR_EL1, Interrupt Status Register"): an IRQ is pending, masked or
// not.
constexpr uint64_t ISR_I = uint64_t{1} << 7;

// How long a timer interrupt that is due may take to become pending before the test calls it a
// hang. QEMU raises it from its main loop, which a loaded host may deschedule for a while after
// the counter has passed the deadline.
constexpr uint64_t HANG_SECONDS = 5;

bool irq_pending() { return (ARM64_READ_SYSREG(isr_el1) & ISR_I) != 0; }

// Whether the slice of the last run is over: its deadline (CNTV_CVAL_EL0, which stopping the
// timer leaves as it was) has passed. The virtual counter runs on while the host deschedules
// QEMU, so any run may outlast its slice; a timer interrupt before the deadline is a stale one.
bool slice_over() { return arch_counter_read() >= ARM64_READ_SYSREG(cntv_cval_el0); }

// Runs the program until its run ends other than by an interrupt, resuming it after each one
// (at most MAX_RESUMES): each must be its own slice's timer, never a stale interrupt.
UserExitKind run_past_slices(UserProgram& user) {
  UserExit exit = user.run();
  for (unsigned n = 0; exit.kind == UserExitKind::Interrupt && n < UserProgram::MAX_RESUMES; n++) {
    EXPECT_TRUE(slice_over());
    exit = user.run();
  }
  return exit.kind;
}

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
  // A slice that runs out while the kernel runs leaves the timer's interrupt pending; ending the
  // slice takes it, so the next run is not ended by it. The wait for the deadline is bounded by
  // HANG_SECONDS, a hang's limit.
  const uint32_t program[] = {SVC_0, SVC_0, SVC_0};
  UserProgram user;
  ASSERT_TRUE(user.load(program, 3));
  for (int round = 0; round < 3; round++) {
    EXPECT_EQ(static_cast<int>(run_past_slices(user)), static_cast<int>(UserExitKind::SystemCall));
    const uint64_t limit = arch_counter_read() + HANG_SECONDS * arch_counter_frequency();
    while (!irq_pending() && arch_counter_read() < limit) {
    }
    ASSERT_TRUE(irq_pending());
    arch_user_slice_end();
    EXPECT_FALSE(irq_pending());
  }
  EXPECT_EQ(arch_user_pc(&user.context()), CODE + 12);
}

KTEST(arm64_user_interrupt, a_program_that_keeps_calling_the_kernel_is_interrupted) {
  const uint32_t program[] = {SVC_0};
  UserProgram user;
  ASSERT_TRUE(user.load(program, 1));
  // A system call leaves the slice's timer armed and the next run does not re-arm it (unless a
  // slow host ended the slice already). The first run arms it one slice from then.
  const uint64_t slice = arch_counter_frequency() / arm64::USER_SLICES_PER_SECOND;
  const uint64_t before = arch_counter_read();
  UserExitKind first = user.run().kind;
  const uint64_t deadline = ARM64_READ_SYSREG(cntv_cval_el0);
  EXPECT_GE(deadline, before + slice);
  EXPECT_LE(deadline, arch_counter_read() + slice);
  if (first == UserExitKind::SystemCall) {
    EXPECT_EQ(ARM64_READ_SYSREG(cntv_ctl_el0) & 1, 1u);
    arch_user_set_pc(&user.context(), CODE);
    if (user.run().kind == UserExitKind::SystemCall) {
      EXPECT_EQ(ARM64_READ_SYSREG(cntv_cval_el0), deadline);
    }
  }
  // Each run is a system call until, once the slice is over, a run ends as Interrupt (how many
  // runs fit in a slice depends on the host: it may stall QEMU for the whole slice).
  // HANG_SECONDS are a hang's limit, not a speed.
  const uint64_t limit = arch_counter_read() + HANG_SECONDS * arch_counter_frequency();
  uint64_t calls = 0;
  UserExitKind kind = UserExitKind::SystemCall;
  while (kind == UserExitKind::SystemCall && arch_counter_read() < limit) {
    arch_user_set_pc(&user.context(), CODE);
    kind = user.run().kind;
    calls++;
  }
  KTEST_NOTE("interrupted after %llu runs", static_cast<unsigned long long>(calls));
  EXPECT_EQ(static_cast<int>(kind), static_cast<int>(UserExitKind::Interrupt));
  EXPECT_TRUE(slice_over());
  EXPECT_EQ(arm64::last_interrupt(), arm64::timer_intid());
  arch_user_set_pc(&user.context(), CODE);
  if (user.run().kind == UserExitKind::SystemCall) {
    arch_user_slice_end();
    EXPECT_EQ(ARM64_READ_SYSREG(cntv_ctl_el0) & 1, 0u);
  }
}
