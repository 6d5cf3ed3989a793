// What a user program's interrupt records besides its registers, as Linux 6.12's 64-bit Book3S
// entry does (interrupt_record.h): a fault's frame holds CFAR as the vector found it, the address
// of the program's last taken branch, and a core file's NT_PRSTATUS (and a signal frame) shows it
// as orig_gpr3; after a system call orig_gpr3 is r3 as the call found it, and result the call's
// return value until the next interrupt's entry or a handler's entry clears it; DAR and DSISR stay
// the last fault's until another fault records its own, and a signal frame shows them whatever the
// signal (signal_64.c setup_sigcontext copies pt_regs whole).

#include "arch/powerpc/interrupt_record.h"
#include "arch/powerpc/regs.h"
#include "arch/powerpc/tests/user_program.h"
#include "arch/powerpc/user_context.h"
#include "kernel/arch/coredump.h"
#include "kernel/arch/signal_frame.h"
#include "kernel/lib/byte_order.h"
#include "kernel/test/test.h"

namespace {

constexpr uint64_t UNMAPPED = 0x0700'1238;
constexpr uint64_t OUTSIDE_RADIX_TREE = uint64_t{1} << 52;
constexpr unsigned PT_ORIG_R3 = 34, PT_DAR = 41, PT_DSISR = 42,
                   PT_RESULT = 43;  // pr_reg words (uapi/asm/ptrace.h)
// Where a signal frame's gp_regs start: the dummy caller frame, the ucontext up to its mcontext,
// and gp_regs in it (uapi/asm/sigcontext.h, ucontext.h).
constexpr size_t FRAME_GP_REGS = 128 + 168 + 64;

uint64_t core_word(const UserContext* context, unsigned n) {
  static ArchCoreThread core;  // too large for a kernel stack
  arch_core_thread(context, core);
  return reinterpret_cast<const uint64_t*>(core.thread.pr_reg)[n];
}

alignas(16) uint8_t g_frame[8192];

// Builds in g_frame the frame of a signal that is not a fault (a kill, say), delivered to
// `context` now, and returns the request.
SignalFrameRequest build_kill_frame(const UserContext* context, SignalFrameLayout* layout) {
  static uint8_t siginfo[128];
  VERIFY(arch_signal_frame_max_size() <= sizeof(g_frame));
  SignalFrameRequest request{};
  request.signo = 10;
  request.siginfo = siginfo;
  request.handler = USER_CODE;
  request.vdso_sigtramp = USER_CODE;
  request.stack_top = 0x7fff'0000;  // any stack: the frame is only built, not copied
  Result<SignalFrameLayout> built = arch_signal_frame_build(context, request, g_frame);
  VERIFY(built.is_ok());
  *layout = built.value();
  return request;
}

// Word n of gp_regs in the frame of such a signal.
uint64_t frame_word(const UserContext* context, unsigned n) {
  SignalFrameLayout layout;
  build_kill_frame(context, &layout);
  return byte_order::load64(g_frame + FRAME_GP_REGS + 8 * n, NATIVE_BYTE_ORDER);
}

}  // namespace

// Runs user_load, which loads from r3 and then makes a system call, with r3 = address, to its
// next exit past interrupts: whether that exit is `expected` (a fault at an unmapped address, the
// system call at a mapped one).
static bool run_load(UserProgram* program, uint64_t address, UserExitKind expected) {
  program->context->frame.gpr[3] = address;
  return user_program_run_past_interrupts(program->context).kind == expected;
}

// Starts user_load and runs it so, as above (USER_PROGRAM names the program's code outside the
// anonymous namespace, where it is defined).
static bool start_load(UserProgram* program, uint64_t address, UserExitKind expected) {
  return user_program_start(program, USER_PROGRAM(user_load)).is_ok() &&
         run_load(program, address, expected);
}

KTEST(powerpc_user_cfar, a_fault_records_the_last_taken_branch) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_branch_then_load)).is_ok());
  program.context->frame.gpr[3] = UNMAPPED;
  const UserExit exit = user_program_run_past_interrupts(program.context);
  ASSERT_EQ(exit.kind, UserExitKind::Fault);
  EXPECT_EQ(exit.trap.vector, 0x300u);
  EXPECT_EQ(exit.trap.pc, USER_CODE + 8);
  // The b at USER_CODE is the last branch before the load; the stub read CFAR before its own.
  EXPECT_EQ(program.context->frame.cfar, USER_CODE);
  EXPECT_EQ(core_word(program.context, PT_ORIG_R3), USER_CODE);
  EXPECT_EQ(core_word(program.context, PT_RESULT), 0u);
  user_program_finish(&program);
}

KTEST(powerpc_user_cfar, a_system_call_records_r3_and_its_result) {
  UserProgram program;
  ASSERT_TRUE(start_load(&program, USER_DATA, UserExitKind::SystemCall));
  EXPECT_EQ(core_word(program.context, PT_ORIG_R3), USER_DATA);
  // A failed call: sc gives the program the positive errno with CR0.SO set; result is what the
  // handler returned.
  arch_user_set_syscall_result(program.context, -14);
  EXPECT_EQ(program.context->frame.gpr[3], 14u);
  EXPECT_EQ(core_word(program.context, PT_RESULT), static_cast<uint64_t>(-14));
  EXPECT_EQ(core_word(program.context, PT_ORIG_R3), USER_DATA);  // r3 as the call found it
  // The no-restart bit a signal delivery sets leaves it recorded, in a core and a frame.
  arch_signal_delivery_done(program.context);
  EXPECT_EQ(core_word(program.context, PT_RESULT), static_cast<uint64_t>(-14));
  EXPECT_EQ(frame_word(program.context, PT_RESULT), static_cast<uint64_t>(-14));
  user_program_finish(&program);
}

KTEST(powerpc_user_cfar, the_next_interrupt_clears_the_result_and_a_timer_records_no_cfar) {
  UserProgram program;
  ASSERT_TRUE(start_load(&program, USER_DATA, UserExitKind::SystemCall));
  arch_user_set_syscall_result(program.context, -14);
  // The program spins after its call until the decrementer interrupts it, whose entry stores 0,
  // and 0 as orig_gpr3 too (an ICFAR=0 interrupt), though CFAR holds the spin's branch.
  const UserExit exit = arch_user_run(program.context);
  EXPECT_EQ(exit.kind, UserExitKind::Interrupt);
  EXPECT_EQ(program.context->frame.vector, 0x900u);
  EXPECT_EQ(core_word(program.context, PT_RESULT), 0u);
  EXPECT_NE(program.context->frame.cfar, 0u);
  EXPECT_EQ(core_word(program.context, PT_ORIG_R3), 0u);
  user_program_finish(&program);
}

KTEST(powerpc_user_cfar, a_handlers_entry_clears_the_result) {
  UserProgram program;
  ASSERT_TRUE(start_load(&program, USER_DATA, UserExitKind::SystemCall));
  arch_user_set_syscall_result(program.context, -14);
  // handle_rt_signal64: the handler starts with result 0, which a core, or the frame of a second
  // signal delivered at the same return, shows.
  SignalFrameLayout layout;
  const SignalFrameRequest request = build_kill_frame(program.context, &layout);
  arch_signal_frame_enter(program.context, request, layout);
  EXPECT_EQ(core_word(program.context, PT_RESULT), 0u);
  EXPECT_EQ(frame_word(program.context, PT_RESULT), 0u);
  user_program_finish(&program);
}

KTEST(powerpc_user_cfar, a_system_call_keeps_the_last_faults_dar) {
  UserProgram program;
  ASSERT_TRUE(start_load(&program, UNMAPPED, UserExitKind::Fault));
  const uint64_t dsisr = program.context->frame.dsisr;
  EXPECT_NE(dsisr, 0u);
  // The load again, at a mapped address this time, then its system call; meanwhile something
  // else (a fault of the kernel's user-access loops, say) left DAR and DSISR other values.
  program.context->frame.gpr[3] = USER_DATA;
  asm volatile("mtspr %0, %1\n\tmtspr %2, %1" ::"i"(SPRN_DAR), "r"(uint64_t{0x1234}),
               "i"(SPRN_DSISR));
  ASSERT_EQ(user_program_run_past_interrupts(program.context).kind, UserExitKind::SystemCall);
  EXPECT_EQ(program.context->frame.dar, UNMAPPED);
  EXPECT_EQ(program.context->frame.dsisr, dsisr);
  EXPECT_EQ(core_word(program.context, PT_DAR), UNMAPPED);
  user_program_finish(&program);
}

KTEST(powerpc_user_cfar, a_data_segment_fault_records_dar_alone) {
  UserProgram program;
  ASSERT_TRUE(start_load(&program, UNMAPPED, UserExitKind::Fault));
  const uint64_t dsisr = program.context->frame.dsisr;
  EXPECT_NE(dsisr, 0u);
  // An address past the radix tree's 52 bits: a data segment interrupt, which stores DAR and
  // leaves pt_regs.dsisr the last data storage interrupt's.
  program.context->frame.gpr[3] = OUTSIDE_RADIX_TREE;
  const UserExit exit = user_program_run_past_interrupts(program.context);
  ASSERT_EQ(exit.kind, UserExitKind::Fault);
  EXPECT_EQ(exit.trap.vector, 0x380u);
  EXPECT_EQ(program.context->frame.dar, OUTSIDE_RADIX_TREE);
  EXPECT_EQ(program.context->frame.dsisr, dsisr);
  user_program_finish(&program);
}

KTEST(powerpc_user_cfar, a_signal_frame_shows_the_last_faults_dar) {
  UserProgram program;
  ASSERT_TRUE(start_load(&program, UNMAPPED, UserExitKind::Fault));
  const uint64_t dsisr = program.context->frame.dsisr;
  // The load again, mapped this time, then its system call: a signal delivered at its return.
  ASSERT_TRUE(run_load(&program, USER_DATA, UserExitKind::SystemCall));
  EXPECT_EQ(frame_word(program.context, PT_DAR), UNMAPPED);
  EXPECT_EQ(frame_word(program.context, PT_DSISR), dsisr);
  user_program_finish(&program);
}
