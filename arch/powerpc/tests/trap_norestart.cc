// The trap word's no-restart bit (trap_frame.h TRAP_NORESTART) where Linux 6.12 sets and shows
// it: set once a return's signals were acted on (arch/powerpc/kernel/signal.c do_signal) and by
// rt_sigreturn's register restore (signal_64.c restore_sigcontext), kept as it is in a later
// signal frame's gp_regs[PT_TRAP] and a core's NT_PRSTATUS (ptrace-view.c gpr_get copies
// pt_regs), and ignored where the kernel asks which interrupt it was (TRAP(regs)).

#include "arch/powerpc/regs.h"
#include "arch/powerpc/user_context.h"
#include "kernel/arch/coredump.h"
#include "kernel/arch/signal_frame.h"
#include "kernel/arch/user.h"
#include "kernel/lib/big_endian.h"
#include "kernel/lib/byte_order.h"
#include "kernel/lib/placement_new.h"
#include "kernel/test/test.h"

namespace {

constexpr uint64_t SYSTEM_CALL = 0xc00;
constexpr uint64_t STACK_TOP = 0x7fff'0000;
// Linux's layout (uapi/asm/ptrace.h, sigcontext.h): the dummy caller frame, the ucontext's
// mcontext, gp_regs in it, and PT_TRAP.
constexpr size_t FRAME_GP_REGS = 128 + 168 + 64;
constexpr unsigned PT_NIP = 32, PT_TRAP = 40;

alignas(16) uint8_t g_buffer[8192];
uint8_t g_siginfo[128];

UserContext& fresh(UserContext& context, uint64_t vector) {
  new (&context) UserContext{};
  context.frame.vector = vector;
  context.frame.srr0 = 0x1000'0040;
  context.frame.gpr[1] = STACK_TOP - 0x100;
  context.frame.gpr[3] = 7;
  return context;
}

SignalFrameLayout build(const UserContext& context) {
  VERIFY(arch_signal_frame_max_size() <= sizeof(g_buffer));
  SignalFrameRequest request{};
  request.signo = 10;
  request.siginfo = g_siginfo;
  request.handler = 0x1000'2000;
  request.vdso_sigtramp = 0x7fff'8000;
  request.stack_top = STACK_TOP;
  Result<SignalFrameLayout> layout = arch_signal_frame_build(&context, request, g_buffer);
  VERIFY(layout.is_ok());
  return layout.value();
}

uint64_t frame_gp_reg(unsigned n) {
  return byte_order::load64(g_buffer + FRAME_GP_REGS + 8 * n, NATIVE_BYTE_ORDER);
}

}  // namespace

KTEST(powerpc_trap_norestart, delivery_sets_bit_zero_and_keeps_the_vector) {
  static UserContext context;  // too large for a kernel stack
  fresh(context, SYSTEM_CALL);
  arch_signal_delivery_done(&context);
  EXPECT_EQ(context.frame.vector, SYSTEM_CALL | 1);
  arch_signal_delivery_done(&context);
  EXPECT_EQ(context.frame.vector, SYSTEM_CALL | 1);
  EXPECT_EQ(trap_vector(context.frame), SYSTEM_CALL);
  // An scv system call stays one with the bit: its result is -errno in r3, CR untouched.
  fresh(context, TRAP_SCV);
  context.frame.cr = 0;
  arch_signal_delivery_done(&context);
  EXPECT_EQ(context.frame.vector, uint64_t{TRAP_SCV} | 1);
  arch_user_set_syscall_result(&context, -22);
  EXPECT_EQ(context.frame.gpr[3], static_cast<uint64_t>(-22));
  EXPECT_EQ(context.frame.cr, 0u);
}

KTEST(powerpc_trap_norestart, a_later_frame_and_a_core_show_the_bit) {
  static UserContext context;
  fresh(context, SYSTEM_CALL);
  build(context);
  EXPECT_EQ(frame_gp_reg(PT_TRAP), SYSTEM_CALL);
  arch_signal_delivery_done(&context);
  build(context);
  EXPECT_EQ(frame_gp_reg(PT_TRAP), SYSTEM_CALL | 1);
  static ArchCoreThread core;
  new (&core) ArchCoreThread{};
  arch_core_thread(&context, core);
  EXPECT_EQ(byte_order::load64(core.thread.pr_reg + 8 * PT_TRAP, NATIVE_BYTE_ORDER),
            SYSTEM_CALL | 1);
}

KTEST(powerpc_trap_norestart, rt_sigreturn_sets_the_bit) {
  static UserContext handler, returning;
  fresh(handler, SYSTEM_CALL);
  handler.frame.orig_gpr3 = 0x5eed;
  const SignalFrameLayout layout = build(handler);
  EXPECT_EQ(frame_gp_reg(PT_NIP), handler.frame.srr0);
  // The handler's rt_sigreturn: an sc system call with r1 at the ucontext.
  fresh(returning, SYSTEM_CALL);
  returning.frame.gpr[1] = layout.address + 128;
  Result<SignalReturn> restored = arch_signal_frame_restore(&returning, g_buffer + 128);
  ASSERT_TRUE(restored.is_ok());
  EXPECT_EQ(returning.frame.srr0, handler.frame.srr0);
  EXPECT_EQ(returning.frame.gpr[3], 7u);
  EXPECT_EQ(returning.frame.vector, SYSTEM_CALL | 1);
  // orig_gpr3 is the frame's too (restore_sigcontext), not rt_sigreturn's own.
  EXPECT_EQ(returning.frame.orig_gpr3, 0x5eedu);
  // result is rt_sigreturn's own return value, 0 (syscall_exit_prepare), not the restored r3.
  EXPECT_EQ(returning.frame.result, 0u);
}
