// mops_reset_registers (mops.h) on made-up syndromes, for both options of the CPU and both forms
// of the registers, which one QEMU CPU cannot all produce (it implements Option A only; the
// oracle program mops checks real exceptions against Linux): each form goes back to the
// prologue's start, size and direction, the PC to the prologue, and nothing else changes.

#include "arch/arm64/mops.h"
#include "arch/arm64/esr.h"
#include "kernel/test/test.h"

namespace {

constexpr uint64_t EC = uint64_t{arm64::EC_MOPS} << arm64::ESR_EC_SHIFT;
constexpr uint64_t IL = uint64_t{1} << arm64::ESR_IL_BIT;
constexpr uint64_t SET = uint64_t{1} << 24, EPILOGUE = uint64_t{1} << 18, WRONG = uint64_t{1} << 17,
                   OPTION_A = uint64_t{1} << 16;
constexpr uint64_t PSTATE_N = uint64_t{1} << 31, PSTATE_C = uint64_t{1} << 29;
constexpr uint64_t PC = 0x400100, DST = 0x10000, SRC = 0x20000, SIZE = 0x40, MARK = 0x5a5a;

// The syndrome naming Xd = x3, Xs = x4, Xn = x5.
constexpr uint64_t syndrome(uint64_t bits) { return EC | IL | bits | (3u << 10) | (4u << 5) | 5u; }

arm64::ExceptionFrame frame_with(uint64_t dst, uint64_t src, uint64_t size, uint64_t pstate) {
  arm64::ExceptionFrame f{};
  for (unsigned i = 0; i < 31; i++) f.x[i] = MARK + i;
  f.x[3] = dst;
  f.x[4] = src;
  f.x[5] = size;
  f.sp = 0x7ff000;
  f.elr = PC;
  f.spsr = pstate;
  return f;
}

void expect_others_kept(const arm64::ExceptionFrame& f) {
  for (unsigned i = 0; i < 31; i++) {
    if (i < 3 || i > 5) EXPECT_EQ(f.x[i], MARK + i);
  }
  EXPECT_EQ(f.sp, uint64_t{0x7ff000});
}

}  // namespace

// An Option A CPU finding Option B's form (PSTATE.C set): a forward copy's registers are the
// prologue's already; a backward one's pointers are moved back down by the size left.
KTEST(arm64_mops, option_b_form_on_an_option_a_cpu) {
  arm64::ExceptionFrame forward = frame_with(DST, SRC, SIZE, PSTATE_C);
  arm64::mops_reset_registers(forward, syndrome(OPTION_A | WRONG));
  EXPECT_EQ(forward.x[3], DST);
  EXPECT_EQ(forward.x[4], SRC);
  EXPECT_EQ(forward.x[5], SIZE);
  EXPECT_EQ(forward.elr, PC - 4);
  expect_others_kept(forward);

  arm64::ExceptionFrame backward = frame_with(DST + SIZE, SRC + SIZE, SIZE, PSTATE_N | PSTATE_C);
  arm64::mops_reset_registers(backward, syndrome(OPTION_A | WRONG));
  EXPECT_EQ(backward.x[3], DST);
  EXPECT_EQ(backward.x[4], SRC);
  EXPECT_EQ(backward.x[5], SIZE);
  EXPECT_EQ(backward.spsr, PSTATE_N | PSTATE_C);
  expect_others_kept(backward);
}

// Option A's form (on an Option B CPU, the wrong option; on an Option A CPU, the right one): a
// forward copy keeps both ends and the negated size, a backward one (size positive) the
// prologue's registers.
KTEST(arm64_mops, option_a_form) {
  const uint64_t cpus[] = {WRONG, OPTION_A};
  for (const uint64_t bits : cpus) {
    arm64::ExceptionFrame forward = frame_with(DST + SIZE, SRC + SIZE, -SIZE, 0);
    arm64::mops_reset_registers(forward, syndrome(bits));
    EXPECT_EQ(forward.x[3], DST);
    EXPECT_EQ(forward.x[4], SRC);
    EXPECT_EQ(forward.x[5], SIZE);
    EXPECT_EQ(forward.elr, PC - 4);
    expect_others_kept(forward);

    arm64::ExceptionFrame backward = frame_with(DST, SRC, SIZE, PSTATE_N);
    arm64::mops_reset_registers(backward, syndrome(bits));
    EXPECT_EQ(backward.x[3], DST);
    EXPECT_EQ(backward.x[4], SRC);
    EXPECT_EQ(backward.x[5], SIZE);
  }
}

// SET*: Option A's form is the end and the negated size, Option B's the prologue's; Xs, the
// value, is never changed.
KTEST(arm64_mops, set_forms) {
  arm64::ExceptionFrame a = frame_with(DST + SIZE, MARK, -SIZE, 0);
  arm64::mops_reset_registers(a, syndrome(SET | OPTION_A));
  EXPECT_EQ(a.x[3], DST);
  EXPECT_EQ(a.x[4], MARK);
  EXPECT_EQ(a.x[5], SIZE);
  EXPECT_EQ(a.elr, PC - 4);
  expect_others_kept(a);

  arm64::ExceptionFrame b = frame_with(DST, MARK, SIZE, PSTATE_C);
  arm64::mops_reset_registers(b, syndrome(SET | OPTION_A | WRONG));
  EXPECT_EQ(b.x[3], DST);
  EXPECT_EQ(b.x[4], MARK);
  EXPECT_EQ(b.x[5], SIZE);
}

// From the epilogue the prologue is two instructions back.
KTEST(arm64_mops, an_epilogue_goes_back_two_instructions) {
  arm64::ExceptionFrame f = frame_with(DST, SRC, SIZE, PSTATE_C);
  arm64::mops_reset_registers(f, syndrome(OPTION_A | WRONG | EPILOGUE));
  EXPECT_EQ(f.elr, PC - 8);
  arm64::ExceptionFrame s = frame_with(DST, MARK, SIZE, PSTATE_C);
  arm64::mops_reset_registers(s, syndrome(SET | OPTION_A | WRONG | EPILOGUE));
  EXPECT_EQ(s.elr, PC - 8);
}

// Register number 31 is sp (Linux's user_pt_regs has sp after regs[30]).
KTEST(arm64_mops, register_31_is_sp) {
  arm64::ExceptionFrame f = frame_with(DST, SRC, SIZE, 0);
  f.sp = DST + SIZE;
  const uint64_t esr = EC | IL | SET | OPTION_A | (31u << 10) | (4u << 5) | 5u;
  f.x[5] = -SIZE;
  arm64::mops_reset_registers(f, esr);
  EXPECT_EQ(f.sp, DST);
  EXPECT_EQ(f.x[5], SIZE);
  EXPECT_EQ(f.x[3], DST);
}
