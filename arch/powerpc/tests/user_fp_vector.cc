// FP, VMX and VSX state of user programs (user_context.h): the 64 VSRs (f0-f31 and their second
// doublewords, v0-v31), FPSCR, VSCR and VRSAVE a program sets come back in its UserContext at a
// system call or an interrupt, values the kernel puts in the context are what the program finds
// on its next run, a fresh context starts as Linux's exec leaves it, two contexts run in turn keep
// their own, the program computes with all three facilities, and the kernel runs without them.

#include "arch/powerpc/regs.h"
#include "arch/powerpc/tests/user_program.h"
#include "arch/powerpc/user_context.h"
#include "kernel/lib/recover.h"
#include "kernel/test/test.h"

extern "C" void powerpc_probe_fp();
extern "C" const char powerpc_probe_fp_instruction[];

namespace {

// The data page of user_fp_vector_programs.S, in 64-bit words: VSRs (two doublewords each) and
// FPSCR to load; the VSCR to load is the last word of the quadword at byte 1040, which lvx and
// stvx place in memory as the context does (VectorState::VSCR_WORD). What the program stores
// follows at byte 2048.
constexpr unsigned IN_VSR = 0;
constexpr unsigned IN_FPSCR = 128;
constexpr unsigned IN_VSCR_WORD = 1040 / 4 + powerpc::VectorState::VSCR_WORD;  // in 32-bit words
constexpr unsigned OUT_VSR = 256;
constexpr unsigned OUT_FPSCR = 384;
constexpr unsigned OUT_VSCR_WORD = 3088 / 4 + powerpc::VectorState::VSCR_WORD;
constexpr unsigned OUT_VRSAVE_WORD = 3104 / 4;

// One set of values for everything the programs load.
struct Values {
  unsigned seed;  // the VSRs
  uint64_t fpscr;
  uint32_t vscr;
  uint32_t vrsave;
};

// FPSCR (Book I, "Floating-Point Status and Control Register"): DRN (bits 29:31), FX, OX/UX/ZX/XX,
// FPRF, NI and RN, no enable bit, so nothing interrupts; FEX and VX are computed, never set here.
// VSCR: NJ (bit 111) and SAT (bit 127).
constexpr Values A = {1, 0x0000'0005'9201'f003, 0x0001'0001, 0x1234'5678};
constexpr Values B = {2, 0x0000'0000'8400'0005, 0x0000'0001, 0x9abc'def0};
constexpr Values C = {3, 0x0000'0002'8800'0001, 0x0001'0000, 0x0f0f'0f0f};

// Linux's VSCR after exec (arch/powerpc/kernel/process.c, start_thread): NJ, non-Java mode, on a
// big-endian kernel; 0 on a little-endian one, whose lvx loads another word of start_thread's
// quadword into VSCR.
constexpr uint32_t VSCR_NJ = 0x0001'0000;
constexpr uint32_t NEW_PROGRAM_VSCR = NATIVE_BYTE_ORDER == ByteOrder::Big ? VSCR_NJ : 0;

// A distinct non-zero value for each register, doubleword and seed (the factor is odd, so the
// products differ).
uint64_t lane(unsigned seed, unsigned vsr, unsigned dw) {
  return 0x0101'0101'0101'0101 * (seed * 128 + vsr * 2 + dw + 1);
}

uint32_t* words32(const UserProgram& program) {
  return reinterpret_cast<uint32_t*>(program.data());
}

// The data page gets `v`'s VSRs and FPSCR and VSCR, r5 its VRSAVE.
void give(UserProgram& program, const Values& v) {
  uint64_t* data = program.data();
  for (unsigned n = 0; n < 64; n++) {
    data[IN_VSR + 2 * n] = lane(v.seed, n, 0);
    data[IN_VSR + 2 * n + 1] = lane(v.seed, n, 1);
  }
  data[IN_FPSCR] = v.fpscr;
  words32(program)[IN_VSCR_WORD] = v.vscr;
  program.context->frame.gpr[3] = USER_DATA;
  program.context->frame.gpr[5] = v.vrsave;
}

void set_state(powerpc::VectorState* state, const Values& v) {
  for (unsigned n = 0; n < 64; n++) {
    state->vsr[n][0] = lane(v.seed, n, 0);
    state->vsr[n][1] = lane(v.seed, n, 1);
  }
  state->fpscr = v.fpscr;
  state->set_vscr(v.vscr);
  state->vrsave_quad[0] = v.vrsave;
}

// How many of the 64 VSRs in `vsr` differ from `seed`'s, each noted.
unsigned wrong_vsrs(const uint64_t* vsr, unsigned seed) {
  unsigned wrong = 0;
  for (unsigned n = 0; n < 64; n++) {
    if (vsr[2 * n] != lane(seed, n, 0) || vsr[2 * n + 1] != lane(seed, n, 1)) {
      KTEST_NOTE("vs%u: %016llx %016llx", n, static_cast<unsigned long long>(vsr[2 * n]),
                 static_cast<unsigned long long>(vsr[2 * n + 1]));
      wrong++;
    }
  }
  return wrong;
}

void expect_state(const powerpc::VectorState& state, const Values& v) {
  EXPECT_EQ(wrong_vsrs(&state.vsr[0][0], v.seed), 0u);
  EXPECT_EQ(state.fpscr, v.fpscr);
  EXPECT_EQ(state.vscr(), v.vscr);
  EXPECT_EQ(state.vrsave(), v.vrsave);
}

void expect_stored(const UserProgram& program, const Values& v) {
  EXPECT_EQ(wrong_vsrs(program.data() + OUT_VSR, v.seed), 0u);
  EXPECT_EQ(program.data()[OUT_FPSCR], v.fpscr);
  EXPECT_EQ(words32(program)[OUT_VSCR_WORD], v.vscr);
  EXPECT_EQ(words32(program)[OUT_VRSAVE_WORD], v.vrsave);
}

uint64_t msr() {
  uint64_t value;
  asm volatile("mfmsr %0" : "=r"(value));
  return value;
}

constexpr uint64_t FACILITIES = MSR_FP | MSR_VEC | MSR_VSX;

}  // namespace

KTEST(powerpc_user_fp_vector, program_registers_reach_the_context) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_fp_load_call_store)).is_ok());
  give(program, A);
  ASSERT_EQ(user_program_run_past_interrupts(program.context).kind, UserExitKind::SystemCall);
  expect_state(program.context->vector, A);
  user_program_finish(&program);
}

KTEST(powerpc_user_fp_vector, context_registers_reach_the_program) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_fp_load_call_store)).is_ok());
  give(program, A);
  ASSERT_EQ(user_program_run_past_interrupts(program.context).kind, UserExitKind::SystemCall);
  // The kernel rewrites all of the stopped program's state, as rt_sigreturn would.
  set_state(&program.context->vector, C);
  ASSERT_EQ(user_program_run_past_interrupts(program.context).kind, UserExitKind::SystemCall);
  expect_stored(program, C);
  user_program_finish(&program);
}

KTEST(powerpc_user_fp_vector, fresh_context_is_as_after_exec) {
  // An earlier program leaves non-zero values in the CPU's registers.
  UserProgram earlier;
  ASSERT_TRUE(user_program_start(&earlier, USER_PROGRAM(user_fp_load_call_store)).is_ok());
  give(earlier, A);
  ASSERT_EQ(user_program_run_past_interrupts(earlier.context).kind, UserExitKind::SystemCall);
  user_program_finish(&earlier);

  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_fp_store)).is_ok());
  program.context->frame.gpr[3] = USER_DATA;
  for (unsigned i = OUT_VSR; i < OUT_VSR + 128 + 4; i++) program.data()[i] = 0xdead'beef'dead'beef;
  ASSERT_EQ(user_program_run_past_interrupts(program.context).kind, UserExitKind::SystemCall);
  unsigned nonzero = 0;
  for (unsigned i = OUT_VSR; i < OUT_VSR + 128; i++) nonzero += program.data()[i] != 0;
  EXPECT_EQ(nonzero, 0u);
  EXPECT_EQ(program.data()[OUT_FPSCR], 0u);
  EXPECT_EQ(words32(program)[OUT_VSCR_WORD], NEW_PROGRAM_VSCR);
  // The program's first VMX instruction found VRSAVE 0 and left it all ones (load_up_altivec).
  EXPECT_EQ(words32(program)[OUT_VRSAVE_WORD], 0xffff'ffffu);
  user_program_finish(&program);
}

KTEST(powerpc_user_fp_vector, two_contexts_keep_their_own) {
  // A loads, B loads, A stores, B stores: each must store its own values, so every register was
  // saved at A's exit and restored at A's next entry although B ran in between.
  UserProgram a;
  UserProgram b;
  ASSERT_TRUE(user_program_start(&a, USER_PROGRAM(user_fp_load_call_store)).is_ok());
  ASSERT_TRUE(user_program_start(&b, USER_PROGRAM(user_fp_load_call_store)).is_ok());
  give(a, A);
  give(b, B);
  for (int round = 0; round < 2; round++) {
    arch_aspace_activate(a.aspace);
    ASSERT_EQ(user_program_run_past_interrupts(a.context).kind, UserExitKind::SystemCall);
    arch_aspace_activate(b.aspace);
    ASSERT_EQ(user_program_run_past_interrupts(b.context).kind, UserExitKind::SystemCall);
  }
  expect_stored(a, A);
  expect_stored(b, B);
  user_program_finish(&b);
  user_program_finish(&a);
}

KTEST(powerpc_user_fp_vector, interrupted_program_keeps_its_registers) {
  UserProgram program;
  const UserProgramCode code = USER_PROGRAM(user_fp_spin);
  ASSERT_TRUE(user_program_start(&program, code).is_ok());
  // The program's last instruction is the spin; the loads come before it.
  const uint64_t spin = USER_CODE + static_cast<uint64_t>(code.end - code.start) - 4;
  give(program, B);
  for (int round = 0; round < 2; round++) {
    // Each round checks a program interrupted in its spin, after every load: a slice that ends
    // earlier (a slow host) is resumed, up to USER_PROGRAM_MAX_RESUMES slices.
    UserExit exit = arch_user_run(program.context);
    for (unsigned n = 0; exit.kind == UserExitKind::Interrupt &&
                         arch_user_pc(program.context) != spin && n < USER_PROGRAM_MAX_RESUMES;
         n++) {
      exit = arch_user_run(program.context);
    }
    ASSERT_EQ(exit.kind, UserExitKind::Interrupt);
    ASSERT_EQ(arch_user_pc(program.context), spin);
    expect_state(program.context->vector, B);
  }
  user_program_finish(&program);
}

KTEST(powerpc_user_fp_vector, program_computes) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_fp_compute)).is_ok());
  powerpc::VectorState& state = program.context->vector;
  state.vsr[1][0] = 0x3ff8'0000'0000'0000;       // f1 = 1.5
  state.vsr[2][0] = 0;                           // f2 = 0
  state.vsr[4][0] = 0x4002'0000'0000'0000;       // f4 = 2.25
  state.vsr[32 + 6][0] = 0x0000'0001'0000'0002;  // v6 = {1, 2, 3, 4}
  state.vsr[32 + 6][1] = 0x0000'0003'0000'0004;
  state.vsr[32 + 7][0] = 0x0000'000a'0000'0014;  // v7 = {10, 20, 30, 0xffffffff}
  state.vsr[32 + 7][1] = 0x0000'001e'ffff'ffff;
  state.vsr[9][0] = 0x3ff8'0000'0000'0000;  // vs9 = {1.5, 2.25}
  state.vsr[9][1] = 0x4002'0000'0000'0000;
  state.vsr[10][0] = 0x4002'0000'0000'0000;  // vs10 = {2.25, 1.5}
  state.vsr[10][1] = 0x3ff8'0000'0000'0000;
  ASSERT_EQ(user_program_run_past_interrupts(program.context).kind, UserExitKind::SystemCall);
  EXPECT_EQ(state.vsr[0][0], 0x7ff0'0000'0000'0000u);  // +infinity
  EXPECT_EQ(state.vsr[3][0], 0x400e'0000'0000'0000u);  // 3.75
  EXPECT_EQ(state.vsr[32 + 5][0], 0x0000'000b'0000'0016u);
  EXPECT_EQ(state.vsr[32 + 5][1], 0x0000'0021'0000'0003u);
  EXPECT_EQ(state.vsr[8][0], 0x400e'0000'0000'0000u);
  EXPECT_EQ(state.vsr[8][1], 0x400e'0000'0000'0000u);
  // The division by zero left FX and ZX; the last result, 3.75, set FPRF to "+normal" (00100).
  EXPECT_EQ(state.fpscr, 0x8400'4000u);
  user_program_finish(&program);
}

KTEST(powerpc_user_fp_vector, kernel_runs_without_the_facilities) {
  EXPECT_EQ(msr() & FACILITIES, 0u);
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_fp_load_call_store)).is_ok());
  give(program, A);
  ASSERT_EQ(user_program_run_past_interrupts(program.context).kind, UserExitKind::SystemCall);
  // The program ran with all three, and the kernel is back without them.
  EXPECT_EQ(program.context->frame.srr1 & FACILITIES, FACILITIES);
  EXPECT_EQ(msr() & FACILITIES, 0u);
  user_program_finish(&program);
  Fault fault;
  auto body = [] { powerpc_probe_fp(); };
  ASSERT_FALSE(run_recoverable(body, &fault));
  ASSERT_EQ(fault.cause, Fault::Cause::Trap);
  EXPECT_FALSE(fault.trap.from_user);
  EXPECT_EQ(fault.trap.vector, 0x800u);
  EXPECT_EQ(fault.trap.pc, reinterpret_cast<uint64_t>(powerpc_probe_fp_instruction));
}
