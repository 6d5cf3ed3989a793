// Pointer authentication keys per context (pointer_auth.h): a program signs with the keys of its
// own UserContext, loaded on each entry, so two contexts with the same keys make the same
// signatures, contexts with different keys make different ones, and a context's signature is
// the same after another context ran in between. Skipped without FEAT_PAuth's generic key.

#include "arch/arm64/pointer_auth.h"
#include "arch/arm64/tests/user_program.h"
#include "kernel/test/test.h"

using namespace arm64_test;

namespace {

// PACIA x0, x1 and PACGA x2, x3, x1 (C6.2 "PACIA", "PACGA"), then SVC #0: x0 the signed pointer,
// x2 the generic signature of x3 with modifier x1.
constexpr uint32_t PACIA_X0_X1 = 0xdac10020, PACGA_X2_X3_X1 = 0x9ac13062;
constexpr uint32_t PROGRAM[] = {PACIA_X0_X1, PACGA_X2_X3_X1, SVC_0, B_SELF};
constexpr uint64_t POINTER = DATA + 0x40, MODIFIER = 0x1234, VALUE = 0x5678;

const arm64::PacKeys KEYS_A = {{1, 2}, {3, 4}, {5, 6}, {7, 8}, {9, 10}};
const arm64::PacKeys KEYS_B = {{11, 12}, {13, 14}, {15, 16}, {17, 18}, {19, 20}};

struct Signatures {
  uint64_t pointer;
  uint64_t generic;
};

// Runs `user` from the start with `keys` to its system call.
bool sign(UserProgram& user, const arm64::PacKeys& keys, Signatures* out) {
  UserContext& c = user.context();
  c.pac = keys;
  c.frame.elr = CODE;
  c.frame.x[0] = POINTER;
  c.frame.x[1] = MODIFIER;
  c.frame.x[3] = VALUE;
  user.activate();
  if (user.run_past_interrupts().kind != UserExitKind::SystemCall) return false;
  *out = Signatures{c.frame.x[0], c.frame.x[2]};
  return true;
}

}  // namespace

KTEST(arm64_user_pointer_auth, each_context_signs_with_its_own_keys) {
  if (!arm64::pac_generic_supported() || !arm64::pac_address_supported()) {
    KTEST_SKIP("no FEAT_PAuth (ID_AA64ISAR1_EL1 APA/API/GPA/GPI, ID_AA64ISAR2_EL1 APA3/GPA3)");
  }
  UserProgram a;
  UserProgram b;
  ASSERT_TRUE(a.load(PROGRAM, 4));
  ASSERT_TRUE(b.load(PROGRAM, 4));
  Signatures a1{}, b1{}, a2{}, b2{};
  ASSERT_TRUE(sign(a, KEYS_A, &a1));
  ASSERT_TRUE(sign(b, KEYS_B, &b1));
  ASSERT_TRUE(sign(a, KEYS_A, &a2));
  ASSERT_TRUE(sign(b, KEYS_A, &b2));
  // The generic signature is 32 bits: equal only for equal keys (but for a 2^-32 chance).
  EXPECT_NE(a1.generic, b1.generic);
  EXPECT_EQ(a1.generic, a2.generic);
  EXPECT_EQ(a1.generic, b2.generic);
  EXPECT_EQ(a1.pointer, a2.pointer);
  EXPECT_EQ(a1.pointer, b2.pointer);
  EXPECT_NE(a1.pointer, POINTER);
}
