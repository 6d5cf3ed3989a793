// scv 0 from user mode (Documentation/arch/powerpc/syscall64-abi.rst): it exits arch_user_run as a
// SystemCall with Linux's number in r0 and arguments in r3-r8, the frame recording what Linux's
// pt_regs does (LR and NIP the next instruction; CTR, XER and r9-r12 0; trap 0x3000); the result
// comes back as -errno in r3 with CR untouched, r0 and r4-r8 kept, r9-r12 zero, LR the next
// instruction, CTR the MSR rfscv returned with and XER the system call's number, as Linux's fast
// exit leaves them; a frame rewritten as a signal's entry does returns every register as written.
// Another level is Linux's SIGILL at the next instruction.

#include "arch/powerpc/regs.h"
#include "arch/powerpc/tests/user_program.h"
#include "arch/powerpc/user_context.h"
#include "kernel/arch/signal_frame.h"
#include "kernel/test/test.h"

namespace {

// user_scv: scv at offset 4, its next instruction at 8; sc 43 after the stores.
constexpr uint64_t AFTER_SCV = USER_CODE + 8;
constexpr uint64_t CR_PATTERN = 0x3579'bdf1;  // CR0 = EQ | SO
constexpr uint64_t ARGS[6] = {0x1111, 0x2222, 0x3333'0000'0000'0003,
                              0x4444, 0x5555, 0xffff'ffff'ffff'fff6};

// Doublewords the program stores at USER_DATA.
enum Stored { R3 = 0, CR = 1, LR = 2, CTR = 3, XER = 4, R9 = 5, R0 = 9, R4 = 10 };

// Starts `code` (user_scv) with the arguments in r3-r8, r9-r12 nonzero, CR = CR_PATTERN and r14 =
// the data page, and runs it to its scv.
bool start_at_scv(UserProgram* program, UserProgramCode code) {
  if (user_program_start(program, code).is_error()) return false;
  TrapFrame& f = program->context->frame;
  for (unsigned i = 0; i < 6; ++i) f.gpr[3 + i] = ARGS[i];
  for (unsigned n = 9; n <= 12; ++n) f.gpr[n] = 0x900 + n;
  f.gpr[14] = USER_DATA;
  f.cr = CR_PATTERN;
  return user_program_run_past_interrupts(program->context).kind == UserExitKind::SystemCall;
}

// Runs the program from its scv to its sc 43.
bool run_to_sc(UserProgram& program) {
  return user_program_run_past_interrupts(program.context).kind == UserExitKind::SystemCall &&
         arch_user_syscall_number(program.context) == 43;
}

}  // namespace

KTEST(powerpc_user_scv, scv_0_is_a_system_call_recorded_as_linux_records_it) {
  UserProgram program;
  ASSERT_TRUE(start_at_scv(&program, USER_PROGRAM(user_scv)));
  const TrapFrame& f = program.context->frame;
  EXPECT_EQ(f.vector, static_cast<uint64_t>(TRAP_SCV));
  EXPECT_EQ(arch_user_syscall_number(program.context), 42u);
  for (unsigned i = 0; i < 6; ++i) EXPECT_EQ(arch_user_syscall_arg(program.context, i), ARGS[i]);
  EXPECT_EQ(arch_user_pc(program.context), AFTER_SCV);
  EXPECT_EQ(f.lr, AFTER_SCV);
  EXPECT_EQ(f.srr1 & MSR_PR, static_cast<uint64_t>(MSR_PR));
  EXPECT_EQ(f.ctr, 0u);
  EXPECT_EQ(f.xer, 0u);
  for (unsigned n = 9; n <= 12; ++n) EXPECT_EQ(f.gpr[n], 0u);
  EXPECT_EQ(f.cr, CR_PATTERN);
  user_program_finish(&program);
}

KTEST(powerpc_user_scv, results_come_back_as_linux_s_fast_exit_leaves_them) {
  UserProgram program;
  ASSERT_TRUE(start_at_scv(&program, USER_PROGRAM(user_scv)));
  const uint64_t* data = program.data();
  arch_user_set_syscall_result(program.context, -22);  // -EINVAL
  ASSERT_TRUE(run_to_sc(program));
  EXPECT_EQ(data[R3], static_cast<uint64_t>(-22));
  EXPECT_EQ(data[CR], CR_PATTERN);
  EXPECT_EQ(data[LR], AFTER_SCV);
  // The MSR the program ran with, which its sc then saved.
  EXPECT_EQ(data[CTR], program.context->frame.srr1);
  EXPECT_EQ(data[XER], 42u);
  for (unsigned n = 0; n < 4; ++n) EXPECT_EQ(data[R9 + n], 0u);
  EXPECT_EQ(data[R0], 42u);
  for (unsigned i = 0; i < 5; ++i) EXPECT_EQ(data[R4 + i], ARGS[1 + i]);

  // Back to the scv: a success leaves CR0.SO as it was, set. The sc the program stopped at left
  // CR0 = EQ, as Linux's sc vector does: the pattern, SO and all, is put back first.
  program.context->frame.cr = CR_PATTERN;
  ASSERT_EQ(user_program_run_past_interrupts(program.context).kind, UserExitKind::SystemCall);
  ASSERT_EQ(arch_user_syscall_number(program.context), 42u);
  arch_user_set_syscall_result(program.context, 0x7fff'0000'1234);
  ASSERT_TRUE(run_to_sc(program));
  EXPECT_EQ(data[R3], 0x7fff'0000'1234u);
  EXPECT_EQ(data[CR] & 0x1000'0000, 0x1000'0000u);
  user_program_finish(&program);
}

KTEST(powerpc_user_scv, a_signal_handler_s_entry_returns_every_register_as_written) {
  UserProgram program;
  ASSERT_TRUE(start_at_scv(&program, USER_PROGRAM(user_scv)));
  // A "handler" that is the code after the scv, entered through a "trampoline" there too: the
  // stores then show the frame's CTR (the handler's address) and XER, not rfscv's.
  SignalFrameRequest request{};
  request.signo = 10;
  request.handler = 0x1234'5678;
  request.vdso_sigtramp = AFTER_SCV;
  const SignalFrameLayout layout{USER_STACK_TOP - 0x1000, 0};
  arch_signal_frame_enter(program.context, request, layout);
  program.context->frame.xer = 0x2000'0000;  // CA
  ASSERT_TRUE(run_to_sc(program));
  const uint64_t* data = program.data();
  EXPECT_EQ(data[R3], 10u);
  EXPECT_EQ(data[CTR], 0x1234'5678u);
  EXPECT_EQ(data[XER], 0x2000'0000u);
  EXPECT_EQ(data[LR], AFTER_SCV);
  user_program_finish(&program);
}

KTEST(powerpc_user_scv, another_level_is_an_illegal_instruction_after_it) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_scv_level_1)).is_ok());
  program.context->frame.gpr[0] = 20;
  const UserExit exit = user_program_run_past_interrupts(program.context);
  ASSERT_EQ(exit.kind, UserExitKind::Fault);
  EXPECT_TRUE(exit.trap.from_user);
  EXPECT_EQ(exit.trap.vector, static_cast<uint64_t>(TRAP_SCV_UNSUPPORTED));
  EXPECT_EQ(exit.trap.kind, TrapKind::UndefinedInstruction);
  EXPECT_EQ(exit.trap.pc, USER_CODE + 4);
  EXPECT_EQ(program.context->frame.gpr[0], ~uint64_t{0});
  user_program_finish(&program);
}
