// A user program that never gives the CPU back is stopped by the decrementer: arch_user_run
// returns Interrupt within a time slice, the program resumes where it was, and the kernel runs
// on with external interrupts off.

#include "arch/powerpc/regs.h"
#include "arch/powerpc/tests/user_program.h"
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
