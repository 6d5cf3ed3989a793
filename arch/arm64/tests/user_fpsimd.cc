// FP/SIMD registers of user programs (user_context.h): V0-V31, FPSR and FPCR a program sets come
// back in its UserContext at a system call or an interrupt, values the kernel puts in the context
// are what the program finds on its next run, a fresh context starts with all of them zero, two
// contexts run in turn keep their own, the program computes with them, and the kernel still traps
// its own FP/SIMD instructions after a program ran.

#include "arch/arm64/esr.h"
#include "arch/arm64/sysreg.h"
#include "arch/arm64/tests/fault_probes.h"
#include "arch/arm64/tests/user_program.h"
#include "kernel/lib/recover.h"
#include "kernel/test/test.h"

using namespace arm64_test;

namespace {

// LD1/ST1 {Vt.16B-Vt+3.16B}, [Xn], #64 (C7.2 "LD1 (multiple structures)", "ST1 (multiple
// structures)", post-index, four registers): 64 bytes in memory order, Xn advanced past them.
constexpr uint32_t ld1_four(unsigned vt, unsigned rn) { return 0x4cdf2000 | (rn << 5) | vt; }
constexpr uint32_t st1_four(unsigned vt, unsigned rn) { return 0x4c9f2000 | (rn << 5) | vt; }
// MSR/MRS FPCR and FPSR (C6.2 "MSR (register)", "MRS"; op0 3, op1 3, CRn 4, CRm 4, op2 0 / 1).
constexpr uint32_t msr_fpcr(unsigned rt) { return 0xd51b4400 | rt; }
constexpr uint32_t mrs_fpcr(unsigned rt) { return 0xd53b4400 | rt; }
constexpr uint32_t msr_fpsr(unsigned rt) { return 0xd51b4420 | rt; }
constexpr uint32_t mrs_fpsr(unsigned rt) { return 0xd53b4420 | rt; }
// FDIV/FADD Dd, Dn, Dm (C7.2 "FDIV (scalar)", "FADD (scalar)", double precision).
constexpr uint32_t fdiv_d(unsigned rd, unsigned rn, unsigned rm) {
  return 0x1e601800 | (rm << 16) | (rn << 5) | rd;
}
constexpr uint32_t fadd_d(unsigned rd, unsigned rn, unsigned rm) {
  return 0x1e602800 | (rm << 16) | (rn << 5) | rd;
}

// The data page: V0-V31 for the program to load, then room for it to store V0-V31, FPCR, FPSR.
constexpr unsigned LOADED = 0;         // in uint64_t words
constexpr unsigned STORED = 32 * 2;    // DATA + 512
constexpr unsigned STORED_FPCR = 128;  // DATA + 1024
constexpr unsigned STORED_FPSR = 129;

// Values of FPCR and FPSR bits that every FEAT_FP implementation keeps (Arm ARM, registers FPCR
// and FPSR). FPCR: AHP (26), DN (25), FZ (24), RMode (23:22), FZ16 (19, FEAT_FP16, which -cpu
// max has). FPSR: the cumulative flags QC (27), IDC (7), IXC, UFC, OFC, DZC, IOC (4:0).
constexpr uint32_t FPCR_A = 0x07c80000;  // AHP, DN, FZ, round towards zero, FZ16
constexpr uint32_t FPCR_B = 0x01800000;  // FZ, round towards minus infinity
constexpr uint32_t FPCR_C = 0x03400000;  // DN, FZ, round towards plus infinity
constexpr uint32_t FPSR_A = 0x0800009f;
constexpr uint32_t FPSR_B = 0x00000015;
constexpr uint32_t FPSR_C = 0x08000082;

// A distinct value for each register, half and seed, none zero.
uint64_t lane(unsigned seed, unsigned reg, unsigned half) {
  return 0x0101010101010101ull * (seed * 64 + reg * 2 + half + 1);
}
__uint128_t vreg(unsigned seed, unsigned reg) {
  return (static_cast<__uint128_t>(lane(seed, reg, 1)) << 64) | lane(seed, reg, 0);
}

void fill(uint64_t* words, unsigned seed) {
  for (unsigned r = 0; r < 32; r++) {
    words[2 * r] = lane(seed, r, 0);
    words[2 * r + 1] = lane(seed, r, 1);
  }
}

// How many of the 32 registers in `words` (two little-endian halves each) differ from `seed`'s,
// each noted.
unsigned wrong_words(const uint64_t* words, unsigned seed) {
  unsigned wrong = 0;
  for (unsigned r = 0; r < 32; r++) {
    if (words[2 * r] != lane(seed, r, 0) || words[2 * r + 1] != lane(seed, r, 1)) {
      KTEST_NOTE("v%u: %016llx%016llx", r, static_cast<unsigned long long>(words[2 * r + 1]),
                 static_cast<unsigned long long>(words[2 * r]));
      wrong++;
    }
  }
  return wrong;
}

unsigned wrong_vregs(const arm64::FpsimdState& state, unsigned seed) {
  unsigned wrong = 0;
  for (unsigned r = 0; r < 32; r++) {
    if (state.vregs[r] != vreg(seed, r)) {
      KTEST_NOTE("v%u: %016llx%016llx", r, static_cast<unsigned long long>(state.vregs[r] >> 64),
                 static_cast<unsigned long long>(state.vregs[r]));
      wrong++;
    }
  }
  return wrong;
}

void set_vregs(arm64::FpsimdState* state, unsigned seed) {
  for (unsigned r = 0; r < 32; r++) state->vregs[r] = vreg(seed, r);
}

class Program {
 public:
  void add(uint32_t word) { m_words[m_count++] = word; }
  // x19 = DATA.
  void point_x19_at_data() { add(movz_lsl16(19, DATA >> 16)); }
  void load_all() {
    for (unsigned v = 0; v < 32; v += 4) add(ld1_four(v, 19));
  }
  // V0-V31, FPCR and FPSR to [x19].
  void store_all() {
    for (unsigned v = 0; v < 32; v += 4) add(st1_four(v, 19));
    add(mrs_fpcr(1));
    add(str(1, 19));
    add(add_imm(19, 19, 8));
    add(mrs_fpsr(2));
    add(str(2, 19));
  }
  bool load_into(UserProgram* user) const { return user->load(m_words, m_count); }
  // Instructions added so far.
  unsigned size() const { return m_count; }

 private:
  uint32_t m_words[64];
  unsigned m_count = 0;
};

// Loads V0-V31 from the data page and FPCR/FPSR from x1/x2, calls the kernel, then stores them all
// after the loaded ones and calls the kernel again.
Program load_call_store() {
  Program p;
  p.point_x19_at_data();
  p.load_all();
  p.add(msr_fpcr(1));
  p.add(msr_fpsr(2));
  p.add(SVC_0);
  p.store_all();
  p.add(SVC_0);
  p.add(B_SELF);
  return p;
}

bool is_syscall(const UserExit& exit) { return exit.kind == UserExitKind::SystemCall; }

}  // namespace

KTEST(arm64_user_fpsimd, program_registers_reach_the_context) {
  UserProgram user;
  ASSERT_TRUE(load_call_store().load_into(&user));
  fill(user.data() + LOADED, 1);
  user.context().frame.x[1] = FPCR_A;
  user.context().frame.x[2] = FPSR_A;
  ASSERT_TRUE(is_syscall(user.run_past_interrupts()));
  EXPECT_EQ(wrong_vregs(user.context().fpsimd, 1), 0u);
  EXPECT_EQ(user.context().fpsimd.fpcr, FPCR_A);
  EXPECT_EQ(user.context().fpsimd.fpsr, FPSR_A);
}

KTEST(arm64_user_fpsimd, context_registers_reach_the_program) {
  UserProgram user;
  ASSERT_TRUE(load_call_store().load_into(&user));
  ASSERT_TRUE(is_syscall(user.run_past_interrupts()));
  // The kernel rewrites every FP/SIMD register of the stopped program, as rt_sigreturn would.
  set_vregs(&user.context().fpsimd, 2);
  user.context().fpsimd.fpcr = FPCR_C;
  user.context().fpsimd.fpsr = FPSR_C;
  ASSERT_TRUE(is_syscall(user.run_past_interrupts()));
  EXPECT_EQ(wrong_words(user.data() + STORED, 2), 0u);
  EXPECT_EQ(user.data()[STORED_FPCR], uint64_t{FPCR_C});
  EXPECT_EQ(user.data()[STORED_FPSR], uint64_t{FPSR_C});
}

KTEST(arm64_user_fpsimd, fresh_context_is_zero) {
  {
    // Leaves non-zero values in the CPU's registers.
    UserProgram earlier;
    ASSERT_TRUE(load_call_store().load_into(&earlier));
    fill(earlier.data() + LOADED, 1);
    earlier.context().frame.x[1] = FPCR_A;
    earlier.context().frame.x[2] = FPSR_A;
    ASSERT_TRUE(is_syscall(earlier.run_past_interrupts()));
  }
  Program p;
  p.point_x19_at_data();
  p.store_all();
  p.add(SVC_0);
  UserProgram user;
  ASSERT_TRUE(p.load_into(&user));
  const uint64_t poison = 0xdeadbeefdeadbeefull;
  for (unsigned i = 0; i < 66; i++) user.data()[i] = poison;
  ASSERT_TRUE(is_syscall(user.run_past_interrupts()));
  unsigned nonzero = 0;
  for (unsigned i = 0; i < 64; i++) nonzero += user.data()[i] != 0;
  EXPECT_EQ(nonzero, 0u);
  EXPECT_EQ(user.data()[64], 0u);  // FPCR
  EXPECT_EQ(user.data()[65], 0u);  // FPSR
}

KTEST(arm64_user_fpsimd, two_contexts_keep_their_own) {
  // A loads, B loads, A stores, B stores: each must store its own values, so every register was
  // saved at A's exit and restored at A's next entry although B ran in between.
  UserProgram a;
  UserProgram b;
  ASSERT_TRUE(load_call_store().load_into(&a));
  ASSERT_TRUE(load_call_store().load_into(&b));
  fill(a.data() + LOADED, 1);
  fill(b.data() + LOADED, 2);
  a.context().frame.x[1] = FPCR_A;
  a.context().frame.x[2] = FPSR_A;
  b.context().frame.x[1] = FPCR_B;
  b.context().frame.x[2] = FPSR_B;
  a.activate();
  ASSERT_TRUE(is_syscall(a.run_past_interrupts()));
  b.activate();
  ASSERT_TRUE(is_syscall(b.run_past_interrupts()));
  a.activate();
  ASSERT_TRUE(is_syscall(a.run_past_interrupts()));
  b.activate();
  ASSERT_TRUE(is_syscall(b.run_past_interrupts()));
  EXPECT_EQ(wrong_words(a.data() + STORED, 1), 0u);
  EXPECT_EQ(a.data()[STORED_FPCR], uint64_t{FPCR_A});
  EXPECT_EQ(a.data()[STORED_FPSR], uint64_t{FPSR_A});
  EXPECT_EQ(wrong_words(b.data() + STORED, 2), 0u);
  EXPECT_EQ(b.data()[STORED_FPCR], uint64_t{FPCR_B});
  EXPECT_EQ(b.data()[STORED_FPSR], uint64_t{FPSR_B});
}

KTEST(arm64_user_fpsimd, interrupted_program_keeps_its_registers) {
  Program p;
  p.point_x19_at_data();
  p.load_all();
  p.add(msr_fpcr(1));
  p.add(msr_fpsr(2));
  const uint64_t spin = CODE + 4 * p.size();
  p.add(B_SELF);
  UserProgram user;
  ASSERT_TRUE(p.load_into(&user));
  fill(user.data() + LOADED, 1);
  user.context().frame.x[1] = FPCR_B;
  user.context().frame.x[2] = FPSR_B;
  for (int round = 0; round < 2; round++) {
    // Each round checks a program interrupted in its spin, after every load: a slice that ends
    // earlier (a slow host) is resumed, up to MAX_RESUMES slices.
    UserExit exit = user.run();
    for (unsigned n = 0; exit.kind == UserExitKind::Interrupt &&
                         arch_user_pc(&user.context()) != spin && n < UserProgram::MAX_RESUMES;
         n++) {
      exit = user.run();
    }
    ASSERT_EQ(static_cast<int>(exit.kind), static_cast<int>(UserExitKind::Interrupt));
    ASSERT_EQ(arch_user_pc(&user.context()), spin);
    EXPECT_EQ(wrong_vregs(user.context().fpsimd, 1), 0u);
    EXPECT_EQ(user.context().fpsimd.fpcr, FPCR_B);
    EXPECT_EQ(user.context().fpsimd.fpsr, FPSR_B);
  }
}

KTEST(arm64_user_fpsimd, program_computes) {
  // d0 = 1.5 / 0 = +infinity, raising divide by zero (FPSR.DZC); d3 = 1.5 + 2.25 = 3.75 exactly.
  // A scalar result clears the upper half of its V register.
  const uint32_t program[] = {fdiv_d(0, 1, 2), fadd_d(3, 1, 4), SVC_0};
  UserProgram user;
  ASSERT_TRUE(user.load(program, 3));
  arm64::FpsimdState& fp = user.context().fpsimd;
  fp.vregs[0] = ~static_cast<__uint128_t>(0);
  fp.vregs[1] = 0x3ff8000000000000;  // 1.5
  fp.vregs[2] = 0;
  fp.vregs[3] = ~static_cast<__uint128_t>(0);
  fp.vregs[4] = 0x4002000000000000;  // 2.25
  ASSERT_TRUE(is_syscall(user.run_past_interrupts()));
  EXPECT_TRUE(fp.vregs[0] == 0x7ff0000000000000);
  EXPECT_TRUE(fp.vregs[3] == 0x400e000000000000);
  EXPECT_EQ(fp.fpsr, 0x2u);
}

KTEST(arm64_user_fpsimd, kernel_fp_still_traps) {
  UserProgram user;
  ASSERT_TRUE(load_call_store().load_into(&user));
  ASSERT_TRUE(is_syscall(user.run_past_interrupts()));
  EXPECT_EQ(ARM64_READ_SYSREG(cpacr_el1), 0u);
  Fault fault;
  auto body = [] { arm64_probe_fp(); };
  ASSERT_FALSE(run_recoverable(body, &fault));
  ASSERT_EQ(fault.cause, Fault::Cause::Trap);
  EXPECT_FALSE(fault.trap.from_user);
  EXPECT_EQ(fault.trap.vector, uint32_t{arm64::EC_FP_ACCESS});
  EXPECT_EQ(fault.trap.pc, reinterpret_cast<uint64_t>(arm64_probe_fp_instruction));
}
