// W^X for the kernel's own map (arch/arm64/mmu_boot.h): its text cannot be written, its rodata
// cannot be written, and neither its data nor the rest of RAM can be executed. Each access is
// made for real and must end in a permission fault at exactly that address.

#include "arch/arm64/kernel_map.h"
#include "arch/arm64/esr.h"
#include "arch/arm64/tests/fault_probes.h"
#include "kernel/arch/mmu.h"
#include "kernel/lib/recover.h"
#include "kernel/mm/physical_pages.h"
#include "kernel/test/test.h"

namespace {

// RET (Arm ARM C6.2 "RET"): a function that would simply return if it could be executed.
constexpr uint32_t RET = 0xd65f03c0;

const uint64_t g_rodata_word = 0x1234;
alignas(16) uint32_t g_data_code[4] = {RET, RET, RET, RET};

bool is_permission_fault(const TrapInfo& trap) {
  return (arm64::esr_fsc(trap.syndrome) & ~3u) == arm64::FSC_PERMISSION;
}

// Stores to `address`; the store must fault as a write permission fault there.
void expect_store_denied(uint64_t address) {
  Fault fault;
  auto body = [address] { arm64_probe_store(address); };
  ASSERT_FALSE(run_recoverable(body, &fault));
  KTEST_NOTE("banner: %s", fault.message);
  ASSERT_EQ(fault.cause, Fault::Cause::Trap);
  EXPECT_EQ(fault.trap.vector, uint32_t{arm64::EC_DABT_CURRENT});
  EXPECT_TRUE(is_permission_fault(fault.trap));
  EXPECT_TRUE(arm64::esr_write(fault.trap.syndrome));
  EXPECT_EQ(fault.trap.address, address);
}

// Calls the RET at `address`; fetching it must fault as an instruction permission fault there.
void expect_execute_denied(uint64_t address) {
  Fault fault;
  auto body = [address] { reinterpret_cast<void (*)()>(address)(); };
  ASSERT_FALSE(run_recoverable(body, &fault));
  KTEST_NOTE("banner: %s", fault.message);
  ASSERT_EQ(fault.cause, Fault::Cause::Trap);
  EXPECT_EQ(fault.trap.kind, TrapKind::InstructionAbort);
  EXPECT_EQ(fault.trap.vector, uint32_t{arm64::EC_IABT_CURRENT});
  EXPECT_TRUE(is_permission_fault(fault.trap));
  EXPECT_EQ(fault.trap.address, address);
  EXPECT_EQ(fault.trap.pc, address);
}

}  // namespace

KTEST(arm64_kernel_map, text_is_not_writable) {
  expect_store_denied(reinterpret_cast<uint64_t>(arm64_probe_load));
}

KTEST(arm64_kernel_map, rodata_is_not_writable) {
  EXPECT_EQ(*static_cast<const volatile uint64_t*>(&g_rodata_word), 0x1234u);
  expect_store_denied(reinterpret_cast<uint64_t>(&g_rodata_word));
}

KTEST(arm64_kernel_map, data_is_not_executable) {
  expect_execute_denied(reinterpret_cast<uint64_t>(&g_data_code[0]));
}

KTEST(arm64_kernel_map, free_ram_is_not_executable) {
  PageAllocator& ram = physical_pages();
  Result<uint64_t> page = ram.alloc(1);
  ASSERT_OK(page);
  auto* code = static_cast<volatile uint32_t*>(arch_phys_to_virt(page.value()));
  EXPECT_EQ(reinterpret_cast<uint64_t>(code), arm64::kernel_va(page.value()));
  code[0] = RET;
  expect_execute_denied(reinterpret_cast<uint64_t>(code));
  ram.free(page.value(), 1);
}
