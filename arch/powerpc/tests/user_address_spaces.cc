// Two address spaces map the same user address to different pages: with each one active, the
// same program loads its own page's value, so PIDR and the process table select the tree.

#include "arch/powerpc/tests/user_program.h"
#include "arch/powerpc/user_context.h"
#include "kernel/test/test.h"

KTEST(powerpc_user_address_spaces, same_address_different_pages) {
  UserProgram first;
  UserProgram second;
  ASSERT_TRUE(user_program_start(&first, USER_PROGRAM(user_load)).is_ok());
  ASSERT_TRUE(user_program_start(&second, USER_PROGRAM(user_load)).is_ok());
  first.data()[0] = 0x1111;
  second.data()[0] = 0x2222;
  first.context->frame.gpr[3] = USER_DATA;
  second.context->frame.gpr[3] = USER_DATA;

  for (int round = 0; round < 2; ++round) {
    arch_aspace_activate(first.aspace);
    arch_user_set_pc(first.context, USER_CODE);
    ASSERT_EQ(user_program_run_past_interrupts(first.context).kind, UserExitKind::SystemCall);
    EXPECT_EQ(first.context->frame.gpr[5], 0x1111u);
    arch_aspace_activate(second.aspace);
    arch_user_set_pc(second.context, USER_CODE);
    ASSERT_EQ(user_program_run_past_interrupts(second.context).kind, UserExitKind::SystemCall);
    EXPECT_EQ(second.context->frame.gpr[5], 0x2222u);
  }
  user_program_finish(&second);
  user_program_finish(&first);
}
