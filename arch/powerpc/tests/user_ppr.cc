// The program's PPR (user_context.h) as Linux 6.12 keeps it: a fresh context starts at
// DEFAULT_PPR; a system call neither saves the priority the program set (pt_regs.ppr, which its
// core's NT_PPC_PPR shows, stays as it was) nor gives it back, its return leaving the program at
// medium-low priority (HMT_MEDIUM_LOW in arch/powerpc/kernel/interrupt_64.S); any other interrupt
// saves it, and its return gives the program the saved value, or one the kernel put there.

#include "arch/powerpc/tests/user_program.h"
#include "arch/powerpc/user_context.h"
#include "kernel/test/test.h"

namespace {

// PPR[PRI], bits 11:13 (LSB-0 bits 52:50): 2 low (or 1,1,1), 4 medium.
constexpr uint64_t PPR_LOW = uint64_t{2} << 50, PPR_MEDIUM = uint64_t{4} << 50;
constexpr uint64_t VECTOR_PROGRAM = 0x700;

}  // namespace

KTEST(powerpc_user_ppr, system_calls_reset_it_and_interrupts_keep_it) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_ppr)).is_ok());
  UserContext* c = program.context;
  EXPECT_EQ(c->ppr, powerpc::DEFAULT_PPR);
  // The first call: the low priority set before it is not saved.
  ASSERT_EQ(user_program_run_past_interrupts(c).kind, UserExitKind::SystemCall);
  EXPECT_EQ(c->ppr, powerpc::DEFAULT_PPR);
  // Its return runs the program at medium-low, whatever pt_regs.ppr says; the trap saves low.
  c->ppr = PPR_MEDIUM;
  const UserExit trap = user_program_run_past_interrupts(c);
  ASSERT_EQ(trap.kind, UserExitKind::Fault);
  EXPECT_EQ(trap.trap.vector, VECTOR_PROGRAM);
  EXPECT_EQ(c->frame.gpr[5], powerpc::DEFAULT_PPR);
  EXPECT_EQ(c->ppr, PPR_LOW);
  // The trap's return gives the program what the context holds; the next call saves nothing.
  c->ppr = PPR_MEDIUM;
  c->frame.srr0 += 4;
  ASSERT_EQ(user_program_run_past_interrupts(c).kind, UserExitKind::SystemCall);
  EXPECT_EQ(c->frame.gpr[0], 43u);
  EXPECT_EQ(c->frame.gpr[6], PPR_MEDIUM);
  EXPECT_EQ(c->ppr, PPR_MEDIUM);
  user_program_finish(&program);
}
