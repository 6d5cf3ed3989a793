// The kernel's byte order, which the build chooses (powerpc: big-endian, powerpc64le: little):
// the kernel runs in it (MSR.LE), its interrupts arrive in it (H_SET_MODE; every trap test
// depends on that) and its programs run in it, storing their data in that order.

#include "arch/powerpc/regs.h"
#include "arch/powerpc/tests/user_program.h"
#include "arch/powerpc/user_context.h"
#include "kernel/lib/big_endian.h"
#include "kernel/test/test.h"

namespace {

constexpr uint64_t KERNEL_LE = NATIVE_BYTE_ORDER == ByteOrder::Little ? MSR_LE : 0;

uint64_t msr() {
  uint64_t value;
  asm volatile("mfmsr %0" : "=r"(value));
  return value;
}

}  // namespace

KTEST(powerpc_byte_order, kernel_runs_in_its_byte_order) { EXPECT_EQ(msr() & MSR_LE, KERNEL_LE); }

KTEST(powerpc_byte_order, programs_run_and_store_in_the_kernels_byte_order) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_store)).is_ok());
  program.context->frame.gpr[3] = USER_DATA;
  program.context->frame.gpr[5] = 0x0102'0304'0506'0708;
  ASSERT_EQ(user_program_run_past_interrupts(program.context).kind, UserExitKind::SystemCall);
  EXPECT_EQ(program.context->frame.srr1 & MSR_LE, KERNEL_LE);
  // The program's std put the doubleword's bytes in the kernel's order.
  const auto* bytes = reinterpret_cast<const uint8_t*>(program.data());
  EXPECT_EQ(bytes[0], NATIVE_BYTE_ORDER == ByteOrder::Little ? 0x08 : 0x01);
  EXPECT_EQ(program.data()[0], 0x0102'0304'0506'0708u);
  user_program_finish(&program);
}
