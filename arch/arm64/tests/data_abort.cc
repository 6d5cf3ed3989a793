// Synchronous exceptions at known places are decoded (exception class, fault status, FAR, ELR)
// into TrapInfo and recovered from, and the kernel goes on in its own state. The syndromes are
// those of the Arm ARM's ESR_EL1 description (DDI 0487).

#include "arch/arm64/esr.h"
#include "arch/arm64/sysreg.h"
#include "arch/arm64/tests/fault_probes.h"
#include "kernel/arch/cpu_features.h"
#include "kernel/arch/trap.h"
#include "kernel/lib/recover.h"
#include "kernel/test/test.h"

extern "C" uint64_t arm64_exception_depth;

namespace {

// In the lower half, which holds nothing while no user address space is active, so the access
// fails with a translation fault.
constexpr uint64_t UNMAPPED = uint64_t{1} << 47;

alignas(16) uint64_t g_words[4];

uint64_t daif() {
  uint64_t value;
  asm volatile("mrs %0, daif" : "=r"(value));
  return value;
}

uint64_t stack_pointer() {
  uint64_t value;
  asm volatile("mov %0, sp" : "=r"(value));
  return value;
}

bool has(const char* text, const char* part) {
  for (; *text != '\0'; text++) {
    if (StringView(text).starts_with(part)) return true;
  }
  return false;
}

// PSTATE.TCO, which exists with FEAT_MTE.
uint64_t tco() { return ARM64_READ_SYSREG(tco); }

}  // namespace

KTEST(arm64_trap, unmapped_load_is_a_translation_fault) {
  Fault fault;
  auto body = [] { (void)arm64_probe_load(UNMAPPED); };
  ASSERT_FALSE(run_recoverable(body, &fault));
  KTEST_NOTE("banner: %s", fault.message);
  ASSERT_EQ(fault.cause, Fault::Cause::Trap);
  EXPECT_EQ(fault.trap.kind, TrapKind::DataAbort);
  EXPECT_EQ(fault.trap.vector, uint32_t{arm64::EC_DABT_CURRENT});
  EXPECT_EQ(fault.trap.address, UNMAPPED);
  EXPECT_EQ(fault.trap.pc, reinterpret_cast<uint64_t>(arm64_probe_load_instruction));
  EXPECT_TRUE(arm64::fsc_is_translation(arm64::esr_fsc(fault.trap.syndrome)));
  EXPECT_FALSE(arm64::esr_write(fault.trap.syndrome));
  EXPECT_TRUE(StringView(fault.trap.banner)
                  .starts_with("Data Abort, current EL (EC 0x25, Translation fault L"));
  EXPECT_TRUE(has(fault.trap.banner, "FAR 0x800000000000 "));
}

KTEST(arm64_trap, unmapped_store_reports_a_write) {
  Fault fault;
  auto body = [] { arm64_probe_store(UNMAPPED + 8); };
  ASSERT_FALSE(run_recoverable(body, &fault));
  ASSERT_EQ(fault.cause, Fault::Cause::Trap);
  EXPECT_EQ(fault.trap.kind, TrapKind::DataAbort);
  EXPECT_EQ(fault.trap.address, UNMAPPED + 8);
  EXPECT_EQ(fault.trap.pc, reinterpret_cast<uint64_t>(arm64_probe_store_instruction));
  EXPECT_TRUE(arm64::esr_write(fault.trap.syndrome));
  EXPECT_TRUE(has(fault.trap.banner, ", write)"));
}

KTEST(arm64_trap, misaligned_exclusive_is_an_alignment_fault) {
  // Misaligned plain loads work (RAM is Normal memory). A misaligned exclusive faults (Arm ARM
  // B2.5.2 "Alignment of data accesses"); QEMU with FEAT_LSE2 lets one through if it stays inside
  // an aligned 16 bytes, so this one straddles a 16-byte boundary.
  const uint64_t misaligned = reinterpret_cast<uint64_t>(&g_words[0]) + 12;
  g_words[0] = 0;
  g_words[1] = 0;
  EXPECT_EQ(arm64_probe_load(misaligned), 0u);
  Fault fault;
  auto body = [misaligned] { (void)arm64_probe_load_exclusive(misaligned); };
  ASSERT_FALSE(run_recoverable(body, &fault));
  KTEST_NOTE("banner: %s", fault.message);
  ASSERT_EQ(fault.cause, Fault::Cause::Trap);
  EXPECT_EQ(fault.trap.kind, TrapKind::Alignment);
  EXPECT_EQ(fault.trap.vector, uint32_t{arm64::EC_DABT_CURRENT});
  EXPECT_EQ(arm64::esr_fsc(fault.trap.syndrome), uint32_t{arm64::FSC_ALIGNMENT});
  EXPECT_EQ(fault.trap.address, misaligned);
  EXPECT_EQ(fault.trap.pc, reinterpret_cast<uint64_t>(arm64_probe_load_exclusive_instruction));
  // No WnR check: QEMU reports this exclusive load as a write.
  EXPECT_TRUE(has(fault.trap.banner, "(EC 0x25, Alignment fault, "));
}

KTEST(arm64_trap, brk_is_a_breakpoint_with_its_immediate) {
  Fault fault;
  auto body = [] { arm64_probe_brk(); };
  ASSERT_FALSE(run_recoverable(body, &fault));
  ASSERT_EQ(fault.cause, Fault::Cause::Trap);
  EXPECT_EQ(fault.trap.kind, TrapKind::Breakpoint);
  EXPECT_EQ(fault.trap.vector, uint32_t{arm64::EC_BRK64});
  EXPECT_EQ(fault.trap.syndrome & 0xffff, ARM64_PROBE_BRK_IMMEDIATE);
  EXPECT_EQ(fault.trap.address, 0u);
  EXPECT_EQ(fault.trap.pc, reinterpret_cast<uint64_t>(arm64_probe_brk_instruction));
}

KTEST(arm64_trap, recovery_restores_tag_check_override) {
  // Without FEAT_MTE2 there are no tag checks to override, and QEMU ignores writes to TCO.
  if (!arch_supports_mte()) KTEST_SKIP("no FEAT_MTE2 (ID_AA64PFR1_EL1.MTE < 2)");
  // Both values, so that neither a restore that always clears nor one that never restores
  // passes.
  const uint64_t values[] = {0, uint64_t{1} << 25};
  for (const uint64_t value : values) {
    ARM64_WRITE_SYSREG(tco, value);
    Fault fault;
    auto body = [] { arm64_probe_brk(); };
    const bool returned = run_recoverable(body, &fault);
    const uint64_t after = tco();
    ARM64_WRITE_SYSREG(tco, 0);
    EXPECT_FALSE(returned);
    EXPECT_EQ(after, value);
  }
}

KTEST(arm64_trap, recovery_restores_the_kernel_state) {
  // Taking an exception masks DAIF, sets PSTATE.TCO (with MTE) and leaves a frame on the stack;
  // arch_longjmp must undo all three, and must reset the count of exceptions being handled each
  // time, or the second trap would look nested.
  // The kernel runs with DAIF all masked; unmask debug exceptions (none are configured) so that
  // the value to restore differs from the one exception entry sets.
  asm volatile("msr daifclr, #8" ::: "memory");
  const uint64_t daif_before = daif();
  const uint64_t sp_before = stack_pointer();
  for (int i = 0; i < 1000; i++) {
    Fault fault;
    auto body = [] { (void)arm64_probe_load(UNMAPPED); };
    ASSERT_FALSE(run_recoverable(body, &fault));
    ASSERT_EQ(fault.trap.kind, TrapKind::DataAbort);
  }
  const uint64_t daif_after = daif();
  asm volatile("msr daifset, #8" ::: "memory");
  EXPECT_EQ(daif_after, daif_before);

  EXPECT_EQ(stack_pointer(), sp_before);
  EXPECT_EQ(arm64_exception_depth, 0u);
  g_words[1] = 0x1234;
  EXPECT_EQ(arm64_probe_load(reinterpret_cast<uint64_t>(&g_words[1])), 0x1234u);
}
