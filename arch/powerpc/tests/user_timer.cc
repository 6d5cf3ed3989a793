// A user program that never gives the CPU back is stopped by the decrementer: arch_user_run
// returns Interrupt within a time slice, the program resumes where it was, and the kernel runs
// on with external interrupts off. The slice runs on through system calls: a program that keeps
// calling the kernel is stopped too.

#include "arch/powerpc/regs.h"
#include "arch/powerpc/tests/decrementer.h"
#include "arch/powerpc/tests/user_program.h"
#include "arch/powerpc/timer.h"
#include "arch/powerpc/user_context.h"
#include "kernel/arch/timer.h"
#include "kernel/test/test.h"

KTEST(powerpc_user_timer, a_spinning_program_is_interrupted) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_spin)).is_ok());
  for (int round = 0; round < 3; ++round) {
    const uint64_t start = arch_counter_read();
    const UserExit exit = arch_user_run(program.context);
    const uint64_t ticks = arch_counter_read() - start;
    KTEST_NOTE("round %d: back after %llu ticks", round, static_cast<unsigned long long>(ticks));
    ASSERT_EQ(exit.kind, UserExitKind::Interrupt);
    EXPECT_EQ(arch_user_pc(program.context), USER_CODE);
  }
  uint64_t msr;
  asm volatile("mfmsr %0" : "=r"(msr));
  EXPECT_EQ(msr & (MSR_EE | MSR_PR | MSR_IR | MSR_DR), 0u);
  user_program_finish(&program);
}

KTEST(powerpc_user_timer, a_program_that_keeps_calling_the_kernel_is_interrupted) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_syscalls)).is_ok());
  program.context->frame.gpr[4] = USER_DATA;
  const uint64_t slice = arch_counter_frequency() / USER_SLICES_PER_SECOND;
  // The first run starts a fresh slice, so no slice ends before `earliest`: a run arms the
  // decrementer no sooner than it starts, and an interrupt that ends a slice ends it no sooner
  // than its deadline. The timebase runs on while the host deschedules QEMU, so any run may
  // outlast its slice; an interrupt before the deadline is a stale one.
  arch_user_slice_end();
  uint64_t earliest = arch_counter_read() + slice;
  UserExitKind kind = arch_user_run(program.context).kind;
  // A system call leaves the decrementer counting the slice down and the next run does not
  // re-arm it (unless a slow host ended the slice already).
  if (kind == UserExitKind::SystemCall) {
    const int64_t left = read_decrementer();
    EXPECT_LE(left, static_cast<int64_t>(slice));
    kind = arch_user_run(program.context).kind;
    if (kind == UserExitKind::SystemCall) EXPECT_LT(read_decrementer(), left);
  }
  // Each run is a system call until, once the slice is over, a run ends as Interrupt (how many
  // runs fit in a slice depends on the host: it may stall QEMU for the whole slice). Each
  // interrupt must come after its slice's deadline; the program is then run on, in a new
  // slice, up to MAX_SLICES. HANG_SECONDS are a hang's limit, not a speed: QEMU raises the
  // decrementer's interrupt from its main loop, which a loaded host may deschedule for a while
  // after the timebase has passed the deadline.
  constexpr unsigned MAX_SLICES = 3;
  constexpr uint64_t HANG_SECONDS = 5;
  const uint64_t limit = arch_counter_read() + HANG_SECONDS * arch_counter_frequency();
  uint64_t calls = 0;
  unsigned slices = 0;
  while (true) {
    if (kind == UserExitKind::Interrupt) {
      const uint64_t now = arch_counter_read();
      EXPECT_GE(now, earliest);
      earliest = now + slice;
      if (++slices == MAX_SLICES) break;
    } else {
      ASSERT_EQ(kind, UserExitKind::SystemCall);
    }
    if (arch_counter_read() >= limit) break;
    kind = arch_user_run(program.context).kind;
    calls++;
  }
  KTEST_NOTE("%u slices ended in %llu runs", slices, static_cast<unsigned long long>(calls));
  EXPECT_EQ(slices, MAX_SLICES);
  // Ending the slice pushes the decrementer to DEC_MAX, from which it has counted down at most
  // the ticks since (both count the timebase, so a stalled host does not matter).
  const uint64_t before_end = arch_counter_read();
  arch_user_slice_end();
  const int64_t after_end = read_decrementer();
  const int64_t elapsed = static_cast<int64_t>(arch_counter_read() - before_end);
  EXPECT_GE(after_end, static_cast<int64_t>(DEC_MAX) - elapsed);
  EXPECT_LE(after_end, static_cast<int64_t>(DEC_MAX));
  user_program_finish(&program);
}
