// Every general register, CR (but CR0, which sc sets), LR, CTR and XER survive a round trip through
// user mode: the kernel sets them, the program makes a system call at once, and the saved context
// holds exactly what was set; then the program flips every general register and calls again, and
// the context holds the flipped values, so the exit saved the program's registers, not stale or
// kernel ones.

#include "arch/powerpc/tests/user_program.h"
#include "arch/powerpc/user_context.h"
#include "kernel/test/test.h"

namespace {

constexpr uint64_t FLIP = 0x5a5a;

// The CR the program sets, and as an sc leaves it: CR0 = EQ, as Linux's sc vector sets it.
constexpr uint64_t CR_SET = 0x1234'5678;
constexpr uint64_t CR_AFTER_SC = 0x2234'5678;

uint64_t pattern(unsigned n) { return 0x0101'0101'0101'0101 * (n + 1) ^ (uint64_t{n} << 40); }

}  // namespace

KTEST(powerpc_user_registers, registers_survive_a_round_trip) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_registers)).is_ok());
  TrapFrame& frame = program.context->frame;
  for (unsigned n = 0; n < 32; ++n) frame.gpr[n] = pattern(n);
  frame.cr = CR_SET;
  frame.lr = 0xdead'beef'0000'1110;
  frame.ctr = 0x0bad'cafe'0000'2220;
  frame.xer = 0x2000'0000;  // CA

  ASSERT_EQ(user_program_run_past_interrupts(program.context).kind, UserExitKind::SystemCall);
  for (unsigned n = 0; n < 32; ++n) {
    if (frame.gpr[n] != pattern(n))
      KTEST_NOTE("r%u after the first call: %#llx", n,
                 static_cast<unsigned long long>(frame.gpr[n]));
    EXPECT_EQ(frame.gpr[n], pattern(n));
  }
  EXPECT_EQ(frame.cr, CR_AFTER_SC);
  EXPECT_EQ(frame.lr, 0xdead'beef'0000'1110u);
  EXPECT_EQ(frame.ctr, 0x0bad'cafe'0000'2220u);
  EXPECT_EQ(frame.xer, 0x2000'0000u);

  ASSERT_EQ(user_program_run_past_interrupts(program.context).kind, UserExitKind::SystemCall);
  for (unsigned n = 0; n < 32; ++n) EXPECT_EQ(frame.gpr[n], pattern(n) ^ FLIP);
  EXPECT_EQ(frame.cr, CR_AFTER_SC);
  user_program_finish(&program);
}
