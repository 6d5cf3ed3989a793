// The regset notes of an arm64 core file (elfcore.cc) in Linux 6.12's order and layouts
// (arch/arm64/kernel/ptrace.c), stated here as Linux's structures are, not as elfcore.cc builds
// them: after NT_PRFPREG and NT_ARM_TLS, NT_ARM_SYSTEM_CALL (an int, -1 outside a system call),
// then with address authentication NT_ARM_PAC_MASK (struct user_pac_mask: data_mask,
// insn_mask), NT_ARM_PAC_ENABLED_KEYS (a long of PR_PAC_* bits) and NT_ARM_PACA_KEYS (struct
// user_pac_address_keys: four __uint128_t, Hi:Lo), with generic authentication NT_ARM_PACG_KEYS,
// and NT_ARM_TAGGED_ADDR_CTRL last. And the mask is the hardware's: the bits PACIA changes.

#include "arch/arm64/mmu_boot.h"
#include "arch/arm64/pointer_auth.h"
#include "arch/arm64/tests/user_program.h"
#include "kernel/arch/coredump.h"
#include "kernel/lib/placement_new.h"
#include "kernel/test/test.h"

using namespace arm64_test;

namespace {

const CoreNote* note(const ArchCoreThread& core, uint32_t type) {
  for (size_t i = 0; i < core.thread.note_count; i++) {
    if (core.notes[i].type == type) return &core.notes[i];
  }
  return nullptr;
}

uint64_t word(const CoreNote& n, size_t i) {
  uint64_t value = 0;
  for (unsigned b = 0; b < 8; b++) value |= uint64_t{n.desc[8 * i + b]} << (8 * b);
  return value;
}

// PACIA x0, x1 (C6.2 "PACIA"), then SVC #0: x0 the pointer signed with modifier x1.
constexpr uint32_t PACIA_X0_X1 = 0xdac10020;
constexpr uint32_t PROGRAM[] = {PACIA_X0_X1, SVC_0, B_SELF};

}  // namespace

KTEST(arm64_core_regsets, notes_in_linux_order_and_layout) {
  static UserContext context;
  static ArchCoreThread core;
  new (&context) UserContext{};
  context.pac = arm64::PacKeys{
      {0x1111, 0x2222}, {0x3333, 0x4444}, {0x5555, 0x6666}, {0x7777, 0x8888}, {0x9999, 0xaaaa}};
  new (&core) ArchCoreThread{};
  arch_core_thread(&context, core);

  const bool address = arm64::pac_address_supported(), generic = arm64::pac_generic_supported();
  uint32_t want[8];
  size_t count = 0;
  want[count++] = NT_PRFPREG;
  want[count++] = NT_ARM_TLS;
  want[count++] = NT_ARM_SYSTEM_CALL;
  if (address) {
    want[count++] = NT_ARM_PAC_MASK;
    want[count++] = NT_ARM_PAC_ENABLED_KEYS;
    want[count++] = NT_ARM_PACA_KEYS;
  }
  if (generic) want[count++] = NT_ARM_PACG_KEYS;
  want[count++] = NT_ARM_TAGGED_ADDR_CTRL;
  ASSERT_EQ(core.thread.note_count, count);
  for (size_t i = 0; i < count; i++) {
    EXPECT_EQ(core.notes[i].type, want[i]);
    EXPECT_STREQ(core.notes[i].name, i == 0 ? "CORE" : "LINUX");
  }

  const CoreNote* syscall = note(core, NT_ARM_SYSTEM_CALL);
  ASSERT_TRUE(syscall != nullptr);
  ASSERT_EQ(syscall->size, 4u);
  for (unsigned b = 0; b < 4; b++) EXPECT_EQ(syscall->desc[b], 0xffu);  // NO_SYSCALL

  if (address) {
    const CoreNote* mask = note(core, NT_ARM_PAC_MASK);
    ASSERT_EQ(mask->size, 16u);
    EXPECT_EQ(word(*mask, 0), arm64::pac_user_mask());
    EXPECT_EQ(word(*mask, 1), arm64::pac_user_mask());
    // Maplet's user half, top byte ignored: bits [54:52] with 52-bit addresses, [54:48] with 48.
    EXPECT_EQ(word(*mask, 0), arm64::mmu_lpa2() ? 0x0070000000000000u : 0x007f000000000000u);
    const CoreNote* enabled = note(core, NT_ARM_PAC_ENABLED_KEYS);
    ASSERT_EQ(enabled->size, 8u);
    EXPECT_EQ(word(*enabled, 0), 0xfu);  // PR_PAC_APIAKEY | APIBKEY | APDAKEY | APDBKEY
    const CoreNote* keys = note(core, NT_ARM_PACA_KEYS);
    ASSERT_EQ(keys->size, 64u);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(keys->desc) % 16, 0u);
    // Each key a little-endian __uint128_t, Hi << 64 | Lo: Lo first.
    const uint64_t address_words[] = {0x1111, 0x2222, 0x3333, 0x4444,
                                      0x5555, 0x6666, 0x7777, 0x8888};
    for (size_t i = 0; i < 8; i++) EXPECT_EQ(word(*keys, i), address_words[i]);
  }
  if (generic) {
    const CoreNote* keys = note(core, NT_ARM_PACG_KEYS);
    ASSERT_EQ(keys->size, 16u);
    EXPECT_EQ(word(*keys, 0), 0x9999u);
    EXPECT_EQ(word(*keys, 1), 0xaaaau);
  }
}

KTEST(arm64_core_regsets, pac_mask_is_what_pacia_changes) {
  if (!arm64::pac_address_supported()) KTEST_SKIP("no address authentication");
  UserProgram user;
  ASSERT_TRUE(user.load(PROGRAM, 3));
  UserContext& c = user.context();
  c.pac = arm64::PacKeys{{0x0123456789abcdef, 0xfedcba9876543210}, {1, 2}, {3, 4}, {5, 6}, {7, 8}};
  constexpr uint64_t POINTER = DATA + 0x40;
  uint64_t changed = 0;
  // 64 modifiers: each PAC bit stays the pointer's in all of them with chance 2^-64.
  for (uint64_t modifier = 0; modifier < 64; modifier++) {
    c.frame.elr = CODE;
    c.frame.x[0] = POINTER;
    c.frame.x[1] = modifier * 0x9e3779b97f4a7c15;
    user.activate();
    ASSERT_EQ(user.run_past_interrupts().kind, UserExitKind::SystemCall);
    changed |= c.frame.x[0] ^ POINTER;
  }
  EXPECT_EQ(changed, arm64::pac_user_mask());
}
