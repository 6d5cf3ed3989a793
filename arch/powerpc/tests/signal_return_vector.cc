// The VMX state rt_sigreturn leaves (arch/powerpc/kernel/signal_64.c restore_sigcontext): a frame
// whose MSR says VEC restores v0-v31 and VSCR from v_regs; one that does not clears them only for
// a program that has used VMX (thread.used_vr); an unused state stays as exec left it, VSCR.NJ on
// a big-endian kernel included, which the program's first VMX instruction then finds. A v_regs
// the restore cannot read fails it with the registers read before it restored and r3 0: another
// address before the vector and FP state, 0 with VSX in the MSR after VRSAVE and the FPRs.

#include "arch/powerpc/regs.h"
#include "arch/powerpc/user_context.h"
#include "kernel/arch/signal_frame.h"
#include "kernel/arch/user.h"
#include "kernel/lib/big_endian.h"
#include "kernel/lib/byte_order.h"
#include "kernel/lib/string.h"
#include "kernel/test/test.h"

namespace {

constexpr uint64_t SYSTEM_CALL = 0xc00;
constexpr uint64_t CODE = 0x1000'0000;
constexpr uint64_t STACK_TOP = 0x7fff'0000;
// The dummy caller frame, then the ucontext, whose mcontext's gp_regs hold the MSR at PT_MSR
// (uapi/asm/ucontext.h, sigcontext.h, ptrace.h).
constexpr size_t CALLER_FRAME = 128;
constexpr size_t FRAME_MSR = CALLER_FRAME + 168 + 64 + 8 * 33;
// v_regs, after gp_regs[48] and fp_regs[33].
constexpr size_t FRAME_V_REGS = CALLER_FRAME + 168 + 64 + 8 * 48 + 8 * 33;
constexpr uint32_t VSCR_SAT = 1;

alignas(16) uint8_t g_buffer[8192];
uint8_t g_siginfo[128];

// The frame of a signal delivered to `context`, in g_buffer.
SignalFrameLayout build(const UserContext* context) {
  VERIFY(arch_signal_frame_max_size() <= sizeof(g_buffer));
  SignalFrameRequest request{};
  request.signo = 10;
  request.siginfo = g_siginfo;
  request.handler = CODE + 0x2000;
  request.vdso_sigtramp = CODE + 0x3000;
  request.stack_top = STACK_TOP;
  Result<SignalFrameLayout> layout = arch_signal_frame_build(context, request, g_buffer);
  VERIFY(layout.is_ok());
  return layout.value();
}

// The handler's rt_sigreturn of g_buffer's frame, into `context` (an sc with r1 at the ucontext).
bool sigreturn(UserContext* context, const SignalFrameLayout& layout) {
  context->frame.vector = SYSTEM_CALL;
  context->frame.gpr[1] = layout.address + CALLER_FRAME;
  return arch_signal_frame_restore(context, g_buffer + CALLER_FRAME).is_ok();
}

}  // namespace

KTEST(powerpc_signal_return_vector, unused_vmx_state_stays_as_exec_left_it) {
  Result<UserContext*> created = arch_user_context_create(CODE, STACK_TOP - 0x100);
  ASSERT_TRUE(created.is_ok());
  UserContext* c = created.value();
  const uint32_t exec_vscr = c->vector.vscr();  // NJ big-endian, 0 little-endian
  const SignalFrameLayout layout = build(c);
  EXPECT_EQ(byte_order::load64(g_buffer + FRAME_MSR, NATIVE_BYTE_ORDER) & MSR_VEC, 0u);
  ASSERT_TRUE(sigreturn(c, layout));
  EXPECT_FALSE(c->used_vr);
  EXPECT_EQ(c->vector.vscr(), exec_vscr);
  arch_user_context_destroy(c);
}

KTEST(powerpc_signal_return_vector, used_vmx_state_without_vec_is_cleared) {
  Result<UserContext*> created = arch_user_context_create(CODE, STACK_TOP - 0x100);
  ASSERT_TRUE(created.is_ok());
  UserContext* c = created.value();
  c->used_vr = true;
  c->vector.set_vscr(VSCR_SAT);
  c->vector.vsr[40][0] = 0x5eed;
  const SignalFrameLayout layout = build(c);
  // The handler takes VEC out of the frame's MSR: the frame then holds no VMX state.
  uint8_t* msr = g_buffer + FRAME_MSR;
  byte_order::store64(msr, byte_order::load64(msr, NATIVE_BYTE_ORDER) & ~uint64_t{MSR_VEC},
                      NATIVE_BYTE_ORDER);
  ASSERT_TRUE(sigreturn(c, layout));
  EXPECT_TRUE(c->used_vr);
  EXPECT_EQ(c->vector.vscr(), 0u);
  EXPECT_EQ(c->vector.vsr[40][0], 0u);
  // One that keeps VEC gives the handler's VMX state the frame's values back.
  c->vector.set_vscr(VSCR_SAT);
  c->vector.vsr[40][0] = 0x5eed;
  const SignalFrameLayout with_vec = build(c);
  c->vector.set_vscr(0);
  c->vector.vsr[40][0] = 0;
  ASSERT_TRUE(sigreturn(c, with_vec));
  EXPECT_EQ(c->vector.vscr(), VSCR_SAT);
  EXPECT_EQ(c->vector.vsr[40][0], 0x5eedu);
  arch_user_context_destroy(c);
}

KTEST(powerpc_signal_return_vector, a_bad_v_regs_fails_after_the_registers_before_it) {
  Result<UserContext*> created = arch_user_context_create(CODE, STACK_TOP - 0x100);
  ASSERT_TRUE(created.is_ok());
  UserContext* c = created.value();
  c->used_vr = c->used_vsr = true;
  // What the frame saves: r20 and f14 marked.
  c->frame.gpr[20] = 0x2020;
  c->vector.vsr[14][0] = 0x1414;
  const SignalFrameLayout layout = build(c);
  const uint64_t own = byte_order::load64(g_buffer + FRAME_V_REGS, NATIVE_BYTE_ORDER);
  static UserContext before;  // too large for a kernel stack
  // The handler's registers: the GPRs are the frame's after a bad v_regs, the vector and FP
  // state as far as the restore got.
  c->frame.gpr[3] = 0x5eed;
  c->frame.gpr[20] = 0x5eed;
  c->vector.vsr[14][0] = 0x5eed;
  c->vector.vrsave_quad[0] = 0x5a5a;
  c->frame.gpr[1] = layout.address + CALLER_FRAME;
  c->frame.vector = SYSTEM_CALL;
  klib::mem_copy(&before, c, sizeof(before));
  // Elsewhere than the frame's own VMX area: fails before the vector and FP state.
  byte_order::store64(g_buffer + FRAME_V_REGS, own + 16, NATIVE_BYTE_ORDER);
  EXPECT_TRUE(arch_signal_frame_restore(c, g_buffer + CALLER_FRAME).is_error());
  EXPECT_EQ(c->frame.gpr[20], 0x2020u);
  EXPECT_EQ(c->frame.gpr[3], 0u);
  EXPECT_EQ(klib::mem_compare(&before.vector, &c->vector, sizeof(before.vector)), 0);
  // 0 with VSX in the MSR: Linux reads the VSX area at 0x220 after VRSAVE and the FPRs.
  klib::mem_copy(c, &before, sizeof(before));
  byte_order::store64(g_buffer + FRAME_V_REGS, 0, NATIVE_BYTE_ORDER);
  EXPECT_TRUE(arch_signal_frame_restore(c, g_buffer + CALLER_FRAME).is_error());
  EXPECT_EQ(c->frame.gpr[20], 0x2020u);
  EXPECT_EQ(c->frame.gpr[3], 0u);
  EXPECT_EQ(c->vector.vsr[14][0], 0x1414u);
  EXPECT_EQ(c->vector.vrsave(), 0u);
  klib::mem_copy(c, &before, sizeof(before));
  // 0 without VSX is a frame with no vector state: VRSAVE 0, the used state cleared.
  uint8_t* msr = g_buffer + FRAME_MSR;
  byte_order::store64(msr, byte_order::load64(msr, NATIVE_BYTE_ORDER) & ~uint64_t{MSR_VSX},
                      NATIVE_BYTE_ORDER);
  c->vector.vrsave_quad[0] = 0x5a5a;
  c->vector.vsr[3][1] = 0x5eed;
  ASSERT_TRUE(sigreturn(c, layout));
  EXPECT_EQ(c->vector.vrsave(), 0u);
  EXPECT_EQ(c->vector.vsr[3][1], 0u);
  EXPECT_NE(c->frame.gpr[3], 0x5eedu);
  arch_user_context_destroy(c);
}
