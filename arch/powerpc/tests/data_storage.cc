// A data storage interrupt at a known address is decoded (vector, DAR, DSISR, SRR0) and recovered
// from, and the kernel goes on in real mode. The fault comes from the radix MMU (Power ISA v3.0B
// Book III, "Radix Tree Translation") with no user address space active.

#include "arch/powerpc/radix.h"
#include "arch/powerpc/regs.h"
#include "kernel/arch/trap.h"
#include "kernel/lib/recover.h"
#include "kernel/test/test.h"

extern "C" uint64_t powerpc_translated_load(uint64_t address);
extern "C" const char powerpc_translated_load_instruction[];

namespace {

// DSISR bit 33 (MSB-0): no translation for the address (Book III, "Data Storage Interrupt").
constexpr uint64_t DSISR_NO_TRANSLATION = 0x4000'0000;

// An address inside RAM, so only the missing translation can make the load fail.
constexpr uint64_t UNMAPPED = 0x0123'4560;

uint64_t current_msr() {
  uint64_t msr;
  asm volatile("mfmsr %0" : "=r"(msr));
  return msr;
}

}  // namespace

KTEST(powerpc_trap, data_storage_interrupt_is_decoded) {
  // With no address space active, quadrant 0 goes through NO_USER_PID's empty tree.
  ASSERT_EQ(radix::current_pid(), radix::NO_USER_PID);
  Fault fault;
  auto body = [] { (void)powerpc_translated_load(UNMAPPED); };
  ASSERT_FALSE(run_recoverable(body, &fault));
  KTEST_NOTE("banner: %s", fault.message);
  ASSERT_EQ(fault.cause, Fault::Cause::Trap);
  EXPECT_EQ(fault.trap.kind, TrapKind::DataAbort);
  EXPECT_EQ(fault.trap.vector, 0x300u);
  EXPECT_EQ(fault.trap.address, UNMAPPED);
  EXPECT_EQ(fault.trap.pc, reinterpret_cast<uint64_t>(powerpc_translated_load_instruction));
  EXPECT_EQ(fault.trap.syndrome & DSISR_NO_TRANSLATION, DSISR_NO_TRANSLATION);
  EXPECT_TRUE(StringView(fault.trap.banner).starts_with("Data storage interrupt (0x300)"));
  // Recovery returns to the kernel's own MSR: real mode, machine checks on.
  EXPECT_EQ(current_msr() & (MSR_DR | MSR_IR | MSR_EE), 0u);
  EXPECT_EQ(current_msr() & MSR_ME, uint64_t{MSR_ME});
}

KTEST(powerpc_trap, load_beyond_ram_is_a_machine_check) {
  // Real-mode accesses ignore the top four address bits; this one is past 256 TiB of RAM.
  constexpr uint64_t BEYOND_RAM = 0x0fff'0000'0000;
  Fault fault;
  auto body = [] { (void)*reinterpret_cast<volatile uint64_t*>(BEYOND_RAM); };
  ASSERT_FALSE(run_recoverable(body, &fault));
  KTEST_NOTE("banner: %s", fault.message);
  ASSERT_EQ(fault.cause, Fault::Cause::Trap);
  EXPECT_EQ(fault.trap.vector, 0x200u);
  EXPECT_TRUE(StringView(fault.trap.banner).starts_with("Machine check (0x200)"));
}
