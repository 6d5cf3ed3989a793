// The program's TAR (user_context.h): FSCR[TAR] lets problem state use it (else mtspr is a
// facility-unavailable interrupt), each context keeps its own across another program's run, a
// value the kernel puts in the context is what the program finds, and a fresh context starts
// with 0, as Linux's exec leaves thread.tar.

#include "arch/powerpc/tests/user_program.h"
#include "arch/powerpc/user_context.h"
#include "kernel/test/test.h"

namespace {

constexpr uint64_t TAR_A = 0x0000'1234'5678'9abc, TAR_B = 0x0000'0fed'cba9'8760;
constexpr uint64_t TAR_KERNEL = 0x0000'0000'1000'0040;

}  // namespace

KTEST(powerpc_user_tar, fresh_context_has_tar_zero) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_tar)).is_ok());
  EXPECT_EQ(program.context->tar, 0u);
  user_program_finish(&program);
}

KTEST(powerpc_user_tar, two_contexts_keep_their_own) {
  // A sets its TAR and calls, B sets another and calls, A reads TAR back: A must find its own,
  // so TAR was saved at A's exit and restored at A's next entry although B ran in between.
  UserProgram a;
  UserProgram b;
  ASSERT_TRUE(user_program_start(&a, USER_PROGRAM(user_tar)).is_ok());
  ASSERT_TRUE(user_program_start(&b, USER_PROGRAM(user_tar)).is_ok());
  a.context->frame.gpr[5] = TAR_A;
  b.context->frame.gpr[5] = TAR_B;
  arch_aspace_activate(a.aspace);
  ASSERT_EQ(user_program_run_past_interrupts(a.context).kind, UserExitKind::SystemCall);
  EXPECT_EQ(a.context->tar, TAR_A);
  arch_aspace_activate(b.aspace);
  ASSERT_EQ(user_program_run_past_interrupts(b.context).kind, UserExitKind::SystemCall);
  EXPECT_EQ(b.context->tar, TAR_B);
  a.context->frame.gpr[5] = 0;
  arch_aspace_activate(a.aspace);
  ASSERT_EQ(user_program_run_past_interrupts(a.context).kind, UserExitKind::SystemCall);
  EXPECT_EQ(a.context->frame.gpr[5], TAR_A);
  user_program_finish(&b);
  user_program_finish(&a);
}

KTEST(powerpc_user_tar, context_tar_reaches_the_program) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_tar)).is_ok());
  program.context->frame.gpr[5] = TAR_A;
  ASSERT_EQ(user_program_run_past_interrupts(program.context).kind, UserExitKind::SystemCall);
  program.context->tar = TAR_KERNEL;
  ASSERT_EQ(user_program_run_past_interrupts(program.context).kind, UserExitKind::SystemCall);
  EXPECT_EQ(program.context->frame.gpr[5], TAR_KERNEL);
  user_program_finish(&program);
}
