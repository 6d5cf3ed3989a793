// A data storage interrupt at a known address is decoded (vector, DAR, DSISR, SRR0) and recovered
// from, and the kernel goes on in real mode. The fault comes from the radix MMU (Power ISA v3.0B
// Book III, "Radix Tree Translation") with a process table whose only tree is empty.

#include "arch/powerpc/hcall.h"
#include "arch/powerpc/regs.h"
#include "kernel/arch/trap.h"
#include "kernel/lib/recover.h"
#include "kernel/test/test.h"

extern "C" uint64_t powerpc_translated_load(uint64_t address);
extern "C" const char powerpc_translated_load_instruction[];

namespace {

// LoPAPR H_REGISTER_PROC_TBL: register a new radix process table, guest translation
// shootdown enabled (Linux's PROC_TABLE_NEW | PROC_TABLE_RADIX | PROC_TABLE_GTSE).
constexpr uint64_t H_REGISTER_PROC_TBL = 0x37c;
constexpr uint64_t PROC_TABLE_NEW = 0x18;
constexpr uint64_t PROC_TABLE_RADIX = 0x4;
constexpr uint64_t PROC_TABLE_GTSE = 0x1;
// Table size field: 2^(12 + n) bytes.
constexpr uint64_t PROC_TABLE_SIZE_4K = 0;

// Process table entry doubleword 0 (Book III, "Process Table"): RTS = 52-bit address space (21,
// split as RTS1 = 0b10 in bits 1:2 and RTS2 = 0b101 in bits 56:58), RPDS = log2(root entries) = 13.
constexpr uint64_t PRTB0_RTS = (uint64_t{0x2} << 61) | (uint64_t{0x5} << 5);
constexpr uint64_t RADIX_ROOT_INDEX_BITS = 13;
constexpr uint64_t RADIX_ROOT_BYTES = 8 << RADIX_ROOT_INDEX_BITS;

// DSISR bit 33 (MSB-0): no translation for the address (Book III, "Data Storage Interrupt").
constexpr uint64_t DSISR_NO_TRANSLATION = 0x4000'0000;

// An address inside RAM, so only the missing translation can make the load fail.
constexpr uint64_t UNMAPPED = 0x0123'4560;

struct alignas(4096) ProcessTable {
  uint64_t entries[512];
};
ProcessTable g_process_table;
alignas(RADIX_ROOT_BYTES) uint64_t g_empty_root[RADIX_ROOT_BYTES / 8];

bool register_empty_tree() {
  g_process_table.entries[0] =
      PRTB0_RTS | reinterpret_cast<uint64_t>(g_empty_root) | RADIX_ROOT_INDEX_BITS;
  asm volatile("ptesync" ::: "memory");
  return hcall::call(H_REGISTER_PROC_TBL, PROC_TABLE_NEW | PROC_TABLE_RADIX | PROC_TABLE_GTSE,
                     reinterpret_cast<uint64_t>(&g_process_table), 0,
                     PROC_TABLE_SIZE_4K) == hcall::H_SUCCESS;
}

uint64_t current_msr() {
  uint64_t msr;
  asm volatile("mfmsr %0" : "=r"(msr));
  return msr;
}

}  // namespace

KTEST(powerpc_trap, data_storage_interrupt_is_decoded) {
  ASSERT_TRUE(register_empty_tree());
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
