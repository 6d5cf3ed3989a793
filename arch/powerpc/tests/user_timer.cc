// A user program that never gives the CPU back is stopped by the decrementer: arch_user_run
// returns Interrupt within a time slice, the program resumes where it was, and the kernel runs
// on with external interrupts off. The slice runs on through system calls: a program that keeps
// calling the kernel is stopped too.

#include "arch/powerpc/regs.h"
#include "arch/powerpc/tests/decrementer.h"
#include "arch/powerpc/tests/user_program.h"
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
  // A system call leaves the decrementer counting the slice down and the next run does not
  // re-arm it (unless a slow host ended the slice already).
  const uint64_t slice = arch_counter_frequency() / 100;
  if (arch_user_run(program.context).kind == UserExitKind::SystemCall) {
    const int64_t left = read_decrementer();
    EXPECT_LE(left, static_cast<int64_t>(slice));
    if (arch_user_run(program.context).kind == UserExitKind::SystemCall) {
      EXPECT_LT(read_decrementer(), left);
    }
  }
  // Each run is a system call; one slice (10 ms) later a run ends as Interrupt. A second is a
  // hang's limit, not a speed.
  const uint64_t limit = arch_counter_read() + arch_counter_frequency();
  uint64_t calls = 0;
  UserExitKind kind = UserExitKind::SystemCall;
  while (kind == UserExitKind::SystemCall && arch_counter_read() < limit) {
    kind = arch_user_run(program.context).kind;
    calls++;
  }
  KTEST_NOTE("interrupted after %llu runs", static_cast<unsigned long long>(calls));
  EXPECT_EQ(kind, UserExitKind::Interrupt);
  EXPECT_GT(calls, 1u);
  arch_user_slice_end();
  EXPECT_GT(read_decrementer(), static_cast<int64_t>(slice));
  user_program_finish(&program);
}
