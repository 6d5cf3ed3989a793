#include "arch/arm64/mmu_boot.h"

#include "arch/arm64/regs.h"
#include "arch/arm64/sysreg.h"

namespace arm64 {
namespace {

// Stage 1 block descriptor fields, VMSAv8-64 (Arm ARM, "Translation table descriptor
// formats"): bit 0 valid, bit 1 clear for a block, AttrIndx [4:2], AP [7:6] (0: EL1 read/write,
// no EL0 access), SH [9:8] (3: inner shareable), AF 10, PXN 53, UXN 54.
constexpr uint64_t DESC_VALID = uint64_t{1} << 0;
constexpr unsigned DESC_ATTR_INDEX_SHIFT = 2;
constexpr uint64_t DESC_SH_INNER = uint64_t{3} << 8;
constexpr uint64_t DESC_AF = uint64_t{1} << 10;
constexpr uint64_t DESC_PXN = uint64_t{1} << 53;
constexpr uint64_t DESC_UXN = uint64_t{1} << 54;

constexpr uint64_t block_descriptor(uint64_t address, unsigned attr_index) {
  uint64_t desc = address | DESC_VALID | DESC_AF | (uint64_t{attr_index} << DESC_ATTR_INDEX_SHIFT);
  if (attr_index == MAIR_INDEX_DEVICE) return desc | DESC_PXN | DESC_UXN;
  return desc | DESC_SH_INNER | DESC_UXN;
}

constexpr uint64_t MAIR_VALUE = (uint64_t{0x00} << (8 * MAIR_INDEX_DEVICE)) |
                                (uint64_t{0xff} << (8 * MAIR_INDEX_NORMAL)) |
                                (uint64_t{0xf0} << (8 * MAIR_INDEX_TAGGED));

// TCR_EL1 (Arm ARM, register TCR_EL1): T0SZ [5:0] = 25 gives a 39-bit TTBR0 space that starts at
// level 1; IRGN0 [9:8] and ORGN0 [11:10] = 1, write-back walks; SH0 [13:12] = 3; TG0 [15:14] = 0,
// 4 KiB; EPD1 (23) disables TTBR1 walks; TG1 [31:30] = 2, 4 KiB; IPS [34:32] from PARange;
// TBI0 (37) ignores the top byte, where MTE keeps tags.
constexpr uint64_t TCR_T0SZ = 25;
constexpr uint64_t TCR_IRGN0_WB = uint64_t{1} << 8;
constexpr uint64_t TCR_ORGN0_WB = uint64_t{1} << 10;
constexpr uint64_t TCR_SH0_INNER = uint64_t{3} << 12;
constexpr uint64_t TCR_EPD1 = uint64_t{1} << 23;
constexpr uint64_t TCR_TG1_4K = uint64_t{2} << 30;
constexpr unsigned TCR_IPS_SHIFT = 32;
constexpr uint64_t TCR_TBI0 = uint64_t{1} << 37;
constexpr uint64_t PARANGE_48_BITS = 5;

constexpr size_t TABLE_ENTRIES = 512;
alignas(4096) uint64_t g_level1[TABLE_ENTRIES];

void map_block(uint64_t address, unsigned attr_index) {
  const uint64_t index = address / BOOT_MAP_BLOCK;
  if (index >= TABLE_ENTRIES) return;
  g_level1[index] = block_descriptor(index * BOOT_MAP_BLOCK, attr_index);
}

// The table was written with the MMU off, straight to memory; drop any stale cached copy the
// table walker could otherwise see (Arm ARM, "Data cache maintenance instructions": DC IVAC).
void invalidate_table_lines() {
  const uint64_t ctr = ARM64_READ_SYSREG(ctr_el0);
  const uint64_t line = uint64_t{4} << field(ctr, 16, 4);  // CTR_EL0.DminLine, log2 words
  const uint64_t start = reinterpret_cast<uint64_t>(g_level1);
  for (uint64_t p = start; p < start + sizeof(g_level1); p += line) {
    asm volatile("dc ivac, %0" ::"r"(p) : "memory");
  }
  dsb_ish();
}

}  // namespace

void mmu_enable_boot_map(uint64_t kernel_start, uint64_t kernel_end, uint64_t dtb_address) {
  map_block(0, MAIR_INDEX_DEVICE);
  for (uint64_t a = kernel_start & ~(BOOT_MAP_BLOCK - 1); a < kernel_end; a += BOOT_MAP_BLOCK) {
    map_block(a, MAIR_INDEX_NORMAL);
  }
  // A flattened device tree is at most 2 MiB (Documentation/arch/arm64/booting.rst).
  if (dtb_address >= BOOT_MAP_BLOCK) {
    map_block(dtb_address, MAIR_INDEX_NORMAL);
    map_block(dtb_address + (uint64_t{2} << 20) - 1, MAIR_INDEX_NORMAL);
  }
  invalidate_table_lines();

  uint64_t parange = field(ARM64_READ_SYSREG(id_aa64mmfr0_el1), 0, 4);
  if (parange > PARANGE_48_BITS) parange = PARANGE_48_BITS;
  const uint64_t tcr = TCR_T0SZ | TCR_IRGN0_WB | TCR_ORGN0_WB | TCR_SH0_INNER | TCR_EPD1 |
                       TCR_TG1_4K | (parange << TCR_IPS_SHIFT) | TCR_TBI0;
  ARM64_WRITE_SYSREG(mair_el1, MAIR_VALUE);
  ARM64_WRITE_SYSREG(tcr_el1, tcr);
  ARM64_WRITE_SYSREG(ttbr0_el1, reinterpret_cast<uint64_t>(g_level1));
  isb();
  asm volatile("tlbi vmalle1\n\tdsb nsh" ::: "memory");
  isb();
  ARM64_WRITE_SYSREG(sctlr_el1, SCTLR_EL1_MMU_ON);
  isb();
}

Result<void> mmu_map_ram(uint64_t base, uint64_t size) {
  uint64_t end = 0;
  if (size == 0 || __builtin_add_overflow(base, size, &end)) return Error::Range;
  if (base < BOOT_MAP_BLOCK || end > BOOT_MAP_LIMIT) return Error::Range;
  for (uint64_t a = base & ~(BOOT_MAP_BLOCK - 1); a < end; a += BOOT_MAP_BLOCK) {
    map_block(a, MAIR_INDEX_NORMAL);
  }
  // New valid entries replace invalid ones, which no TLB holds: ordering the stores before later
  // accesses is enough (Arm ARM, "TLB maintenance requirements").
  dsb_ishst();
  isb();
  return {};
}

}  // namespace arm64
