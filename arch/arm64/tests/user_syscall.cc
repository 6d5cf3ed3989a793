// System calls from EL0 (kernel/arch/user.h): SVC #0 ends the run as SystemCall with Linux's
// number (x8) and arguments (x0-x5) and the PC past the SVC; the result set by
// arch_user_set_syscall_result is what the program finds in x0 when it runs again; and every
// register the program changed comes back changed, none lost on the way in or out; a new
// program starts with PSTATE.SSBS set where the CPU has FEAT_SSBS, as on Linux.

#include "arch/arm64/regs.h"
#include "arch/arm64/sysreg.h"
#include "arch/arm64/tests/user_program.h"
#include "kernel/test/test.h"

using namespace arm64_test;

KTEST(arm64_user_syscall, number_and_arguments_arrive) {
  const uint32_t program[] = {movz(0, 11), movz(1, 22), movz(2, 33), movz(3, 44), movz(4, 55),
                              movz(5, 66), movz(8, 64), SVC_0,       B_SELF};
  UserProgram user;
  ASSERT_TRUE(user.load(program, 9));
  const UserExit exit = user.run_past_interrupts();
  ASSERT_EQ(static_cast<int>(exit.kind), static_cast<int>(UserExitKind::SystemCall));
  EXPECT_EQ(arch_user_syscall_number(&user.context()), 64u);
  const uint64_t want[] = {11, 22, 33, 44, 55, 66};
  for (unsigned i = 0; i < 6; i++) EXPECT_EQ(arch_user_syscall_arg(&user.context(), i), want[i]);
  EXPECT_EQ(arch_user_pc(&user.context()), CODE + 8 * 4);
}

KTEST(arm64_user_syscall, result_reaches_the_program) {
  // x19 = DATA; svc; str x0, [x19]; svc; the second call shows the first one's result stored.
  const uint32_t program[] = {
      movz_lsl16(19, DATA >> 16), movz(8, 172), SVC_0, str(0, 19), movz(8, 93), SVC_0, B_SELF};
  UserProgram user;
  ASSERT_TRUE(user.load(program, 7));
  ASSERT_EQ(static_cast<int>(user.run_past_interrupts().kind),
            static_cast<int>(UserExitKind::SystemCall));
  EXPECT_EQ(arch_user_syscall_number(&user.context()), 172u);
  arch_user_set_syscall_result(&user.context(), -14);
  ASSERT_EQ(static_cast<int>(user.run_past_interrupts().kind),
            static_cast<int>(UserExitKind::SystemCall));
  EXPECT_EQ(arch_user_syscall_number(&user.context()), 93u);
  EXPECT_EQ(static_cast<int64_t>(user.data()[0]), -14);
  EXPECT_EQ(static_cast<int64_t>(arch_user_syscall_arg(&user.context(), 0)), -14);
}

KTEST(arm64_user_syscall, registers_survive_the_round_trip) {
  // Every general register, SP and the thread pointer: the program adds 1 to x0-x30 and 16 to
  // SP, so each value must have reached the CPU and come back.
  uint32_t program[40];
  unsigned n = 0;
  for (unsigned r = 0; r <= 30; r++) program[n++] = add_imm(r, r, 1);
  program[n++] = add_imm(31, 31, 16);
  program[n++] = SVC_0;
  program[n++] = mrs_tpidr_el0(0);
  program[n++] = SVC_0;
  program[n++] = B_SELF;
  UserProgram user;
  ASSERT_TRUE(user.load(program, n));
  UserContext& context = user.context();
  for (unsigned r = 0; r <= 30; r++) context.frame.x[r] = 0x0101010101010100ull * (r + 1);
  context.frame.sp = 0x7fff0000;
  context.tpidr = 0x123456789abcdef0ull;
  context.frame.spsr = uint64_t{0xf} << 28;  // NZCV: the program's own flags survive too

  ASSERT_EQ(static_cast<int>(user.run_past_interrupts().kind),
            static_cast<int>(UserExitKind::SystemCall));
  for (unsigned r = 0; r <= 30; r++)
    EXPECT_EQ(context.frame.x[r], 0x0101010101010100ull * (r + 1) + 1);
  EXPECT_EQ(arch_user_sp(&context), 0x7fff0010u);
  EXPECT_EQ(context.frame.spsr, uint64_t{0xf} << 28);  // EL0t, interrupts unmasked
  EXPECT_EQ(arch_user_pc(&context), CODE + 33 * 4);
  ASSERT_EQ(static_cast<int>(user.run_past_interrupts().kind),
            static_cast<int>(UserExitKind::SystemCall));
  EXPECT_EQ(context.frame.x[0], 0x123456789abcdef0ull);
  EXPECT_EQ(context.tpidr, 0x123456789abcdef0ull);
}

KTEST(arm64_user_syscall, a_new_program_starts_with_ssbs) {
  // ID_AA64PFR1_EL1.SSBS 2 (FEAT_SSBS2): EL0 reads PSTATE.SSBS with MRS Xt, SSBS (op0 3, op1 3,
  // CRn 4, CRm 2, op2 6), which holds it in bit 12. Linux's start_thread sets it for a task
  // that did not ask for the Spectre-v4 mitigation (arch/arm64/kernel/proton-pack.c).
  if (arm64::field(ARM64_READ_SYSREG(id_aa64pfr1_el1), ID_AA64PFR1_SSBS_SHIFT,
                   ID_AA64PFR1_SSBS_WIDTH) < 2) {
    KTEST_SKIP("no FEAT_SSBS2 (ID_AA64PFR1_EL1.SSBS < 2)");
  }
  constexpr uint64_t SSBS = uint64_t{1} << 12;
  const uint32_t program[] = {0xd53b42c0 /* mrs x0, ssbs */, SVC_0, B_SELF};
  UserProgram user;
  ASSERT_TRUE(user.load(program, 3));
  EXPECT_EQ(user.context().frame.spsr, SSBS);
  ASSERT_EQ(static_cast<int>(user.run_past_interrupts().kind),
            static_cast<int>(UserExitKind::SystemCall));
  EXPECT_EQ(user.context().frame.x[0], SSBS);         // the program saw it
  EXPECT_EQ(user.context().frame.spsr & SSBS, SSBS);  // and the exception kept it
}
