// The program's PPR (user_context.h): a fresh context starts at Linux's DEFAULT_PPR, the
// priority a program sets with a priority nop is saved at its exit (so its core's NT_PPC_PPR
// has it), and a value the kernel puts in the context is what the program reads back.

#include "arch/powerpc/tests/user_program.h"
#include "arch/powerpc/user_context.h"
#include "kernel/test/test.h"

namespace {

// PPR[PRI], bits 11:13 (LSB-0 bits 52:50): 2 low (or 1,1,1), 4 medium.
constexpr uint64_t PPR_LOW = uint64_t{2} << 50, PPR_MEDIUM = uint64_t{4} << 50;

}  // namespace

KTEST(powerpc_user_ppr, saved_at_exit_and_restored_at_entry) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_ppr)).is_ok());
  EXPECT_EQ(program.context->ppr, powerpc::DEFAULT_PPR);
  ASSERT_EQ(user_program_run_past_interrupts(program.context).kind, UserExitKind::SystemCall);
  EXPECT_EQ(program.context->ppr, PPR_LOW);
  program.context->ppr = PPR_MEDIUM;
  ASSERT_EQ(user_program_run_past_interrupts(program.context).kind, UserExitKind::SystemCall);
  EXPECT_EQ(program.context->frame.gpr[5], PPR_MEDIUM);
  user_program_finish(&program);
}
