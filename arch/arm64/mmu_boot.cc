// The kernel's translation tables (see mmu_boot.h). Everything in this file may run at the
// physical address with the MMU off, so it must address memory PC-relative only: no absolute
// addresses in code or data (arch.mk checks the object for them). kernel_pa() gives the physical
// address of a table both there and in the upper half.

#include "arch/arm64/mmu_boot.h"

#include "arch/arm64/descriptor.h"
#include "arch/arm64/kernel_map.h"
#include "arch/arm64/regs.h"
#include "arch/arm64/sysreg.h"

extern "C" char __kernel_start[];
extern "C" char __text_start[];
extern "C" char __text_end[];
extern "C" char __rodata_start[];
extern "C" char __rodata_end[];
extern "C" char __bss_start[];
extern "C" char __stack_guard[];
extern "C" char __stack_bottom[];
extern "C" char __kernel_end[];

namespace arm64 {
namespace {

constexpr uint64_t BLOCK_2M = uint64_t{1} << 21;
// Level-3 tables for the kernel image's 2 MiB blocks: an image of up to 8 MiB.
constexpr unsigned IMAGE_TABLES = 4;
// A flattened device tree is at most 2 MiB (Documentation/arch/arm64/booting.rst).
constexpr uint64_t FDT_MAX_SIZE = BLOCK_2M;

// Kernel memory is global (nG clear), inner shareable write-back (mmu_shareability), never
// executable from EL0 (EL0 execute permission does not depend on EL0 read permission) and, but
// for text, never from EL1 either.
constexpr uint64_t KERNEL_DATA = DESC_AF | desc_attr_index(MAIR_INDEX_NORMAL) | DESC_PXN | DESC_UXN;
constexpr uint64_t KERNEL_RODATA = KERNEL_DATA | DESC_AP_READ_ONLY;
constexpr uint64_t MTE_LEVEL_MTE2 = 2;
constexpr uint64_t TGRAN4_LPA2 = 1;  // ID_AA64MMFR0_EL1.TGran4 [31:28]

bool ram_tagged() {
  return field(ARM64_READ_SYSREG(id_aa64pfr1_el1), ID_AA64PFR1_MTE_SHIFT, ID_AA64PFR1_MTE_WIDTH) >=
         MTE_LEVEL_MTE2;
}

// Writable RAM, where user pages come from: Normal Tagged with FEAT_MTE2, so the kernel reaches
// every page's allocation tags through this map (Linux maps its linear map MT_NORMAL_TAGGED when
// the CPU has MTE, arch/arm64/mm/mmu.c); its own accesses stay unchecked (SCTLR_EL1.TCF = 0).
uint64_t ram_attributes() {
  const uint64_t data = KERNEL_DATA | mmu_shareability();
  if (!ram_tagged()) return data;
  return (data & ~DESC_ATTR_INDEX_MASK) | desc_attr_index(MAIR_INDEX_TAGGED);
}
constexpr uint64_t KERNEL_TEXT =
    DESC_AF | desc_attr_index(MAIR_INDEX_NORMAL) | DESC_AP_READ_ONLY | DESC_UXN;
constexpr uint64_t DEVICE = DESC_AF | desc_attr_index(MAIR_INDEX_DEVICE) | DESC_PXN | DESC_UXN;

// TCR_EL1 (Arm ARM, register TCR_EL1): T0SZ [5:0] and T1SZ [21:16] = 16, 48-bit halves whose
// walks start at level 0, until mmu_leave_identity_map gives TTBR0 T0SZ = 12 (52 bits, walks from
// level -1) with FEAT_LPA2; IRGN [9:8]/[25:24] and ORGN [11:10]/[27:26] = 1, write-back walks;
// SH [13:12]/[29:28] = 3, inner shareable; TG0 [15:14] = 0 and TG1 [31:30] = 2, 4 KiB granules;
// A1 (22) clear, the ASID comes from TTBR0; IPS [34:32] from PARange; AS (36) 16-bit ASIDs when
// the CPU has them; TBI0 (37) and TBI1 (38) ignore the top byte, where MTE keeps tags; TCMA1
// (58) leaves EL1 accesses through upper-half addresses with tag 0xf (every plain kernel
// pointer) unchecked, as Linux sets it with MTE (arch/arm64/mm/proc.S); DS (59) with FEAT_LPA2:
// 52-bit addresses, and SH from TCR_EL1 instead of the descriptors.
constexpr uint64_t TCR_T0SZ_MASK = 0x3f;
constexpr uint64_t TCR_T0SZ_48 = 16;
constexpr uint64_t TCR_T0SZ_52 = 12;
constexpr uint64_t TCR_T1SZ = uint64_t{16} << 16;
constexpr uint64_t TCR_WALKS_0 = (uint64_t{1} << 8) | (uint64_t{1} << 10) | (uint64_t{3} << 12);
constexpr uint64_t TCR_WALKS_1 = (uint64_t{1} << 24) | (uint64_t{1} << 26) | (uint64_t{3} << 28);
constexpr uint64_t TCR_TG1_4K = uint64_t{2} << 30;
constexpr unsigned TCR_IPS_SHIFT = 32;
constexpr uint64_t TCR_AS = uint64_t{1} << 36;
constexpr uint64_t TCR_TBI0 = uint64_t{1} << 37;
constexpr uint64_t TCR_TBI1 = uint64_t{1} << 38;
constexpr uint64_t TCR_TCMA1 = uint64_t{1} << 58;
constexpr uint64_t TCR_DS = uint64_t{1} << 59;
constexpr uint64_t PARANGE_48_BITS = 5;
constexpr uint64_t ASID_BITS_16 = 2;  // ID_AA64MMFR0_EL1.ASIDBits [7:4]

alignas(4096) uint64_t g_level0[TABLE_ENTRIES];
alignas(4096) uint64_t g_level1[TABLE_ENTRIES];
alignas(4096) uint64_t g_kernel_level2[TABLE_ENTRIES];
alignas(4096) uint64_t g_kernel_level3[IMAGE_TABLES][TABLE_ENTRIES];

uint64_t table_descriptor(const uint64_t* table) {
  return kernel_pa(table) | DESC_TABLE | DESC_VALID;
}

bool in(uint64_t pa, const char* start, const char* end) {
  return pa >= kernel_pa(start) && pa < kernel_pa(end);
}

// The attributes of the image's page at `pa`; 0 (invalid) for the guard page below the stack.
uint64_t image_page_attributes(uint64_t pa) {
  if (in(pa, __text_start, __text_end)) return KERNEL_TEXT | mmu_shareability();
  if (in(pa, __stack_guard, __stack_bottom)) return 0;
  if (in(pa, __rodata_start, __rodata_end)) return KERNEL_RODATA | mmu_shareability();
  return ram_attributes();
}

// The data written with the MMU off went straight to memory; drop any stale cached copy that
// the table walker or the kernel could see once caches are on (Arm ARM, "Data cache maintenance
// instructions": DC IVAC).
void invalidate_lines(uint64_t start, uint64_t end) {
  const uint64_t ctr = ARM64_READ_SYSREG(ctr_el0);
  const uint64_t line = uint64_t{4} << field(ctr, 16, 4);  // CTR_EL0.DminLine, log2 words
  for (uint64_t p = start & ~(line - 1); p < end; p += line) {
    asm volatile("dc ivac, %0" ::"r"(p) : "memory");
  }
  dsb_ish();
}

void map_ram_gib(uint64_t pa) {
  const unsigned index = table_index(pa, 1);
  if ((g_level1[index] & DESC_VALID) == 0)
    g_level1[index] = (pa & ~(RAM_MAP_BLOCK - 1)) | DESC_BLOCK | ram_attributes();
}

}  // namespace

bool mmu_lpa2() { return field(ARM64_READ_SYSREG(id_aa64mmfr0_el1), 28, 4) == TGRAN4_LPA2; }

uint64_t mmu_shareability() { return mmu_lpa2() ? 0 : DESC_SH_INNER; }

void mmu_leave_identity_map() {
  const uint64_t t0sz = mmu_lpa2() ? TCR_T0SZ_52 : TCR_T0SZ_48;
  ARM64_WRITE_SYSREG(tcr_el1, (ARM64_READ_SYSREG(tcr_el1) & ~TCR_T0SZ_MASK) | t0sz | TCR_EPD0);
  ARM64_WRITE_SYSREG(ttbr0_el1, 0);
  isb();
  // The identity map's entries are global, so only a flush of everything removes them.
  asm volatile("tlbi vmalle1\n\tdsb nsh" ::: "memory");
  isb();
}

Result<void> mmu_map_ram(uint64_t base, uint64_t size) {
  uint64_t end = 0;
  if (size == 0 || __builtin_add_overflow(base, size, &end)) return Error::Range;
  if (base < RAM_MAP_BLOCK || end > RAM_MAP_LIMIT) return Error::Range;
  for (uint64_t a = base & ~(RAM_MAP_BLOCK - 1); a < end; a += RAM_MAP_BLOCK) map_ram_gib(a);
  // New valid entries replace invalid ones, which no TLB holds: ordering the stores before later
  // accesses is enough (Arm ARM, "TLB maintenance requirements").
  dsb_ishst();
  isb();
  return {};
}

}  // namespace arm64

extern "C" const char* arm64_mmu_enable_early(uint64_t dtb_address) {
  using namespace arm64;
  const uint64_t start = kernel_pa(__kernel_start);
  const uint64_t end = kernel_pa(__kernel_end);
  const uint64_t gib = start & ~(RAM_MAP_BLOCK - 1);
  const uint64_t image_first = start & ~(BLOCK_2M - 1);
  const uint64_t image_last = (end + BLOCK_2M - 1) & ~(BLOCK_2M - 1);
  if (gib == 0 || end > gib + RAM_MAP_BLOCK || gib >= RAM_MAP_LIMIT) {
    return "~log arm64: the kernel must lie within one GiB of RAM between 1 and 512 GiB. "
           "Halting.\n";
  }
  if (image_last - image_first > IMAGE_TABLES * BLOCK_2M) {
    return "~log arm64: kernel image larger than the boot map's 8 MiB. Halting.\n";
  }

  g_level0[0] = table_descriptor(g_level1);
  g_level1[0] = DESC_BLOCK | DEVICE;
  g_level1[table_index(gib, 1)] = table_descriptor(g_kernel_level2);
  for (unsigned i = 0; i < TABLE_ENTRIES; i++) {
    const uint64_t block = gib + i * BLOCK_2M;
    if (block < image_first || block >= image_last) {
      g_kernel_level2[i] = block | DESC_BLOCK | ram_attributes();
      continue;
    }
    uint64_t* level3 = g_kernel_level3[(block - image_first) / BLOCK_2M];
    for (unsigned j = 0; j < TABLE_ENTRIES; j++) {
      const uint64_t page = block + j * 4096;
      const uint64_t attributes = image_page_attributes(page);
      level3[j] = attributes == 0 ? 0 : page | DESC_PAGE | attributes;
    }
    g_kernel_level2[i] = table_descriptor(level3);
  }
  if (dtb_address >= RAM_MAP_BLOCK && dtb_address + FDT_MAX_SIZE <= RAM_MAP_LIMIT) {
    map_ram_gib(dtb_address);
    map_ram_gib(dtb_address + FDT_MAX_SIZE - 1);
  }
  invalidate_lines(kernel_pa(__bss_start), end);

  uint64_t parange = field(ARM64_READ_SYSREG(id_aa64mmfr0_el1), 0, 4);
  if (parange > PARANGE_48_BITS) parange = PARANGE_48_BITS;
  uint64_t tcr = TCR_T0SZ_48 | TCR_WALKS_0 | TCR_T1SZ | TCR_WALKS_1 | TCR_TG1_4K |
                 (parange << TCR_IPS_SHIFT) | TCR_TBI0 | TCR_TBI1;
  if (field(ARM64_READ_SYSREG(id_aa64mmfr0_el1), 4, 4) == ASID_BITS_16) tcr |= TCR_AS;
  if (ram_tagged()) tcr |= TCR_TCMA1;
  if (mmu_lpa2()) tcr |= TCR_DS;
  ARM64_WRITE_SYSREG(mair_el1, MAIR_VALUE);
  ARM64_WRITE_SYSREG(tcr_el1, tcr);
  ARM64_WRITE_SYSREG(ttbr0_el1, kernel_pa(g_level0));
  ARM64_WRITE_SYSREG(ttbr1_el1, kernel_pa(g_level0));
  isb();
  asm volatile("tlbi vmalle1\n\tdsb nsh" ::: "memory");
  isb();
  ARM64_WRITE_SYSREG(sctlr_el1, SCTLR_EL1_MMU_ON);
  isb();
  return nullptr;
}
