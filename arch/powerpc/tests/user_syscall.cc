// System calls from user mode: `sc` exits arch_user_run as SystemCall with Linux's number in r0
// and arguments in r3-r8, the PC past the sc, and the result set by arch_user_set_syscall_result
// reaching the program as Linux returns it (r3 = errno with CR0.SO set, or the value with SO
// clear).

#include "arch/powerpc/tests/user_program.h"
#include "arch/powerpc/user_context.h"
#include "kernel/test/test.h"

namespace {

constexpr uint64_t CR0_SO = 0x1000'0000;
constexpr uint64_t CR0_FIELD = 0xf000'0000;
constexpr uint64_t CR0_EQ = 0x2000'0000;
// user_syscalls: 42 at offset 4 (PC 8 after it), 43 at offset 24 (PC 28 after it).
constexpr uint64_t AFTER_FIRST = USER_CODE + 8;
constexpr uint64_t AFTER_SECOND = USER_CODE + 28;

}  // namespace

KTEST(powerpc_user_syscall, number_and_arguments_arrive) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_syscalls)).is_ok());
  // r4 is also the program's data pointer.
  const uint64_t args[6] = {0x1111, USER_DATA, 0x3333'0000'0000'0003,
                            0x4444, 0x5555,    0xffff'ffff'ffff'fff6};
  for (unsigned i = 0; i < 6; ++i) program.context->frame.gpr[3 + i] = args[i];

  const UserExit exit = user_program_run_past_interrupts(program.context);
  ASSERT_EQ(exit.kind, UserExitKind::SystemCall);
  EXPECT_EQ(arch_user_syscall_number(program.context), 42u);
  for (unsigned i = 0; i < 6; ++i) EXPECT_EQ(arch_user_syscall_arg(program.context, i), args[i]);
  EXPECT_EQ(arch_user_pc(program.context), AFTER_FIRST);
  EXPECT_EQ(arch_user_sp(program.context), USER_STACK_TOP);
  user_program_finish(&program);
}

KTEST(powerpc_user_syscall, results_reach_the_program_as_linux_returns_them) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_syscalls)).is_ok());
  program.context->frame.gpr[4] = USER_DATA;
  // CR0 = GT: Linux's sc vector leaves EQ in CR0 whatever the program had there.
  program.context->frame.cr = 0x4000'0000;
  uint64_t* data = program.data();

  ASSERT_EQ(user_program_run_past_interrupts(program.context).kind, UserExitKind::SystemCall);
  ASSERT_EQ(arch_user_syscall_number(program.context), 42u);
  arch_user_set_syscall_result(program.context, -22);  // -EINVAL
  ASSERT_EQ(user_program_run_past_interrupts(program.context).kind, UserExitKind::SystemCall);
  ASSERT_EQ(arch_user_syscall_number(program.context), 43u);
  EXPECT_EQ(arch_user_pc(program.context), AFTER_SECOND);
  EXPECT_EQ(data[0], 22u);
  EXPECT_EQ(data[1] & CR0_FIELD, CR0_EQ | CR0_SO);

  // The program loops back to system call 42; its success result clears SO again.
  ASSERT_EQ(user_program_run_past_interrupts(program.context).kind, UserExitKind::SystemCall);
  ASSERT_EQ(arch_user_syscall_number(program.context), 42u);
  arch_user_set_syscall_result(program.context, 0x7fff'0000'1234);
  ASSERT_EQ(user_program_run_past_interrupts(program.context).kind, UserExitKind::SystemCall);
  ASSERT_EQ(arch_user_syscall_number(program.context), 43u);
  EXPECT_EQ(data[0], 0x7fff'0000'1234u);
  EXPECT_EQ(data[1] & CR0_FIELD, CR0_EQ);

  // -4096 is not an errno: a value (an address near the top, say) comes back unchanged.
  ASSERT_EQ(user_program_run_past_interrupts(program.context).kind, UserExitKind::SystemCall);
  arch_user_set_syscall_result(program.context, -4096);
  ASSERT_EQ(user_program_run_past_interrupts(program.context).kind, UserExitKind::SystemCall);
  EXPECT_EQ(data[0], static_cast<uint64_t>(-4096));
  EXPECT_EQ(data[1] & CR0_SO, 0u);
  user_program_finish(&program);
}
