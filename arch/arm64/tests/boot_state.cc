// The machine state arm64 boot promises kernel_main: EL1 on SP_EL1, the kernel's map on in the
// upper half with RAM as Normal write-back memory and the UART as Device memory, nothing in the
// lower half, semihosting available for the verdict, and the device tree found where the boot
// protocol put it.

#include "arch/arm64/boot_facts.h"
#include "arch/arm64/kernel_map.h"
#include "arch/arm64/mmu_boot.h"
#include "arch/arm64/regs.h"
#include "arch/arm64/semihosting.h"
#include "arch/arm64/sysreg.h"
#include "kernel/arch/cpu_features.h"
#include "kernel/lib/boot_info.h"
#include "kernel/test/test.h"

namespace {

// PAR_EL1 after AT S1E1R (Arm ARM, register PAR_EL1): F (bit 0) set when the translation failed;
// otherwise ATTR in bits [63:56] is the MAIR attribute of the mapping.
constexpr uint64_t PAR_F = 1;
constexpr unsigned PAR_ATTR_SHIFT = 56;

uint64_t translate_for_read(uint64_t address) {
  asm volatile("at s1e1r, %0" ::"r"(address));
  arm64::isb();
  return ARM64_READ_SYSREG(par_el1);
}

uint64_t g_ram_word;

}  // namespace

KTEST(arm64_boot, runs_at_el1_on_sp_el1) {
  EXPECT_EQ(arm64::field(ARM64_READ_SYSREG(CurrentEL), 2, 2), 1u);
  EXPECT_EQ(ARM64_READ_SYSREG(spsel), 1u);
  const unsigned entry_el = arm64::boot_facts().entry_el;
  KTEST_NOTE("entered at EL%u", entry_el);
  EXPECT_TRUE(entry_el == 1 || entry_el == 2);
}

KTEST(arm64_boot, upper_half_map_is_on_with_normal_ram_and_device_uart) {
  EXPECT_EQ(ARM64_READ_SYSREG(sctlr_el1) & (SCTLR_EL1_M | SCTLR_EL1_C | SCTLR_EL1_I),
            SCTLR_EL1_M | SCTLR_EL1_C | SCTLR_EL1_I);
  const uint64_t ram = reinterpret_cast<uint64_t>(&g_ram_word);
  EXPECT_GE(ram, arm64::KERNEL_VA_OFFSET);
  const uint64_t ram_par = translate_for_read(ram);
  ASSERT_EQ(ram_par & PAR_F, 0u);
  // Normal write-back, Tagged with FEAT_MTE2 (MAIR encoding 0xf0), so the kernel reaches tags.
  const uint64_t ram_attr = arch_supports_mte() ? 0xf0u : 0xffu;
  EXPECT_EQ(ram_par >> PAR_ATTR_SHIFT, ram_attr);
  EXPECT_EQ(ram_par & 0x0000fffffffff000ull, (ram - arm64::KERNEL_VA_OFFSET) & ~0xfffull);

  // The last byte of every RAM range is mapped too, not only the kernel's GiB.
  const BootInfo& info = boot_info();
  for (size_t i = 0; i < info.ram_count; i++) {
    const PhysicalRange& range = info.ram[i];
    const uint64_t ram_last = range.base + range.size - 1;
    const uint64_t ram_last_par = translate_for_read(arm64::kernel_va(ram_last));
    EXPECT_EQ(ram_last_par & PAR_F, 0u);
    EXPECT_EQ(ram_last_par & 0x0000fffffffff000ull, ram_last & ~0xfffull);
    EXPECT_EQ(ram_last_par >> PAR_ATTR_SHIFT, ram_attr);
  }

  const uint64_t uart_par = translate_for_read(arm64::kernel_va(0x09000000));
  ASSERT_EQ(uart_par & PAR_F, 0u);
  EXPECT_EQ(uart_par >> PAR_ATTR_SHIFT, 0x00u);  // Device-nGnRnE

  // Beyond the 512 GiB the map covers.
  EXPECT_EQ(translate_for_read(arm64::kernel_va(uint64_t{512} << 30)) & PAR_F, PAR_F);
}

KTEST(arm64_boot, lower_half_is_empty) {
  // The boot identity map is gone: the kernel's own physical addresses do not translate.
  EXPECT_EQ(translate_for_read(arm64::kernel_pa(&g_ram_word)) & PAR_F, PAR_F);
  EXPECT_EQ(translate_for_read(0x09000000) & PAR_F, PAR_F);
  EXPECT_EQ(ARM64_READ_SYSREG(ttbr0_el1), 0u);
}

KTEST(arm64_boot, semihosting_carries_the_verdict) {
  // The runner always enables semihosting; without it QEMU's exit status cannot report failure.
  EXPECT_EQ(arm64::semihosting_state(), arm64::SemihostingState::Available);
}

KTEST(arm64_boot, device_tree_came_from_x0) {
  const arm64::BootFacts& facts = arm64::boot_facts();
  KTEST_NOTE("device tree at 0x%llx, %u bytes, PSCI conduit %d",
             static_cast<unsigned long long>(facts.dtb_address), facts.dtb_size,
             static_cast<int>(facts.psci));
  EXPECT_NE(facts.dtb_address, 0u);
  EXPECT_GE(facts.dtb_size, 40u);
  EXPECT_NE(static_cast<int>(facts.psci), static_cast<int>(arm64::PsciConduit::None));
}
