// arm64 MTE: boot set-up, page tags and the per-page "tagged" flags (see mte.h), and the
// kernel/arch/mte.h contract.

#include "arch/arm64/mte.h"

#include "arch/arm64/kernel_map.h"
#include "arch/arm64/regs.h"
#include "arch/arm64/sysreg.h"
#include "kernel/arch/cpu_features.h"
#include "kernel/arch/mte.h"
#include "kernel/lib/boot_info.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/string.h"
#include "kernel/mm/physical_pages.h"

namespace arm64 {
namespace {

// SCTLR_EL1 (Arm ARM, register SCTLR_EL1): ITFSB (37), TCF0 [39:38], TCF [41:40], ATA0 (42),
// ATA (43).
constexpr uint64_t SCTLR_ITFSB = uint64_t{1} << 37;
constexpr unsigned SCTLR_TCF_SHIFT = 40;
constexpr uint64_t SCTLR_TCF_MASK = uint64_t{3} << SCTLR_TCF_SHIFT;
constexpr uint64_t SCTLR_ATA0 = uint64_t{1} << 42;
constexpr uint64_t SCTLR_ATA = uint64_t{1} << 43;
// RGSR_EL1.SEED [23:8] (Arm ARM, register RGSR_EL1): IRG's pseudo-random state.
constexpr unsigned RGSR_SEED_SHIFT = 8;
constexpr uint64_t RGSR_SEED_MASK = 0xffff;
constexpr uint64_t MTE_LEVEL_MTE3 = 3;
constexpr uint64_t GRANULES_PER_PAGE = PAGE_SIZE / MTE_GRANULE_SIZE;

// One bit per page of [g_flags_base, g_flags_base + g_flags_pages * PAGE_SIZE), the span of every
// RAM range: set while the page is tagged.
uint64_t* g_flags = nullptr;
uint64_t g_flags_base = 0;
uint64_t g_flags_pages = 0;
// The shared zero page, whose tags stay 0 and which is never marked tagged.
uint64_t g_zero_page = ~uint64_t{0};

bool flag_index(uint64_t pa, uint64_t* index) {
  if (g_flags == nullptr || pa < g_flags_base) return false;
  *index = (pa - g_flags_base) >> PAGE_SHIFT;
  return *index < g_flags_pages;
}

// The linear-map address of `pa` with logical tag 0 (a plain kernel pointer has tag 0xf).
uint64_t tag0_va(uint64_t pa) { return kernel_va(pa) & ~(uint64_t{0xf} << 56); }

// STG with a tag-0 address sets each granule's tag to 0 and leaves the data alone (Arm ARM,
// "STG"; ST2G does two granules).
void clear_page_tags(uint64_t pa) {
  const uint64_t start = tag0_va(pa);
  for (uint64_t p = start; p < start + PAGE_SIZE; p += 2 * MTE_GRANULE_SIZE) {
    asm volatile("st2g %0, [%0]" ::"r"(p) : "memory");
  }
}

}  // namespace

bool mte_has_asymmetric() {
  return field(ARM64_READ_SYSREG(id_aa64pfr1_el1), ID_AA64PFR1_MTE_SHIFT, ID_AA64PFR1_MTE_WIDTH) >=
         MTE_LEVEL_MTE3;
}

void mte_init() {
  if (!arch_supports_mte()) return;
  ARM64_WRITE_SYSREG(gcr_el1, GCR_RRND | GCR_EXCLUDE_MASK);
  // RGSR_EL1 is UNKNOWN out of reset and IRG needs a non-zero seed (Linux seeds it from the
  // counter, mte_cpu_setup()).
  uint64_t seed = ARM64_READ_SYSREG(cntvct_el0) & RGSR_SEED_MASK;
  if (seed == 0) seed = 1;
  ARM64_WRITE_SYSREG(rgsr_el1, seed << RGSR_SEED_SHIFT);
  ARM64_WRITE_SYSREG(tfsr_el1, 0);
  ARM64_WRITE_SYSREG(tfsre0_el1, 0);
  const uint64_t sctlr = ARM64_READ_SYSREG(sctlr_el1) & ~SCTLR_TCF_MASK;
  ARM64_WRITE_SYSREG(sctlr_el1, sctlr | SCTLR_ATA | SCTLR_ATA0 | SCTLR_ITFSB);
  isb();
  // Tag checks of the kernel's own accesses are off by TCF = None; PSTATE.TCO is left clear so
  // that its LDTR/STTR accesses to user memory are checked under the program's TCF0.
  asm volatile("msr tco, #0" ::: "memory");
}

TagCheckMode mte_set_kernel_mode(TagCheckMode mode) {
  const uint64_t sctlr = ARM64_READ_SYSREG(sctlr_el1);
  ARM64_WRITE_SYSREG(sctlr_el1,
                     (sctlr & ~SCTLR_TCF_MASK) | (static_cast<uint64_t>(mode) << SCTLR_TCF_SHIFT));
  isb();
  return static_cast<TagCheckMode>(field(sctlr, SCTLR_TCF_SHIFT, 2));
}

}  // namespace arm64

Result<void> arch_mte_init_page_flags() {
  using namespace arm64;
  if (!arch_supports_mte() || g_flags != nullptr) return {};
  const BootInfo& info = boot_info();
  if (info.ram_count == 0) return Error::NoMemory;
  uint64_t low = ~uint64_t{0}, high = 0;
  for (size_t i = 0; i < info.ram_count; i++) {
    if (info.ram[i].base < low) low = info.ram[i].base;
    if (info.ram[i].base + info.ram[i].size > high) high = info.ram[i].base + info.ram[i].size;
  }
  low &= PAGE_MASK;
  const uint64_t pages = (high - low + PAGE_SIZE - 1) >> PAGE_SHIFT;
  const uint64_t bytes = (pages + 63) / 64 * 8;
  const uint64_t table_pages = (bytes + PAGE_SIZE - 1) >> PAGE_SHIFT;
  const uint64_t pa = TRY(physical_pages().alloc(table_pages));
  g_flags = reinterpret_cast<uint64_t*>(kernel_va(pa));
  klib::mem_set(g_flags, 0, table_pages * PAGE_SIZE);
  g_flags_base = low;
  g_flags_pages = pages;
  return {};
}

namespace arm64 {

void mte_sync_page(uint64_t pa) {
  if (!arch_supports_mte() || pa == g_zero_page) return;
  uint64_t index = 0;
  VERIFY(flag_index(pa, &index));
  const uint64_t bit = uint64_t{1} << (index % 64);
  if ((g_flags[index / 64] & bit) != 0) return;
  clear_page_tags(pa);
  // The tag stores complete before the page can be reached through the new translation.
  dsb_ish();
  g_flags[index / 64] |= bit;
}

}  // namespace arm64

void arch_mte_init_zero_page(uint64_t pa) {
  using namespace arm64;
  g_zero_page = pa;
  if (!arch_supports_mte()) return;
  clear_page_tags(pa);
  // The tag stores complete before any translation can reach the page.
  dsb_ish();
}

bool arch_mte_page_tagged(uint64_t pa) {
  uint64_t index = 0;
  if (!arm64::flag_index(pa, &index)) return false;
  return (arm64::g_flags[index / 64] >> (index % 64)) & 1;
}

void arch_mte_read_page_tags(uint64_t pa, uint8_t tags[MTE_PAGE_TAG_BYTES]) {
  klib::mem_set(tags, 0, MTE_PAGE_TAG_BYTES);
  if (!arch_mte_page_tagged(pa)) return;
  const uint64_t start = arm64::kernel_va(pa & PAGE_MASK);
  for (uint64_t g = 0; g < arm64::GRANULES_PER_PAGE; g++) {
    // LDG puts the granule's tag into bits [59:56] of the address register (Arm ARM, "LDG").
    uint64_t address = start + g * MTE_GRANULE_SIZE;
    asm volatile("ldg %0, [%0]" : "+r"(address));
    const uint8_t tag = static_cast<uint8_t>((address >> 56) & 0xf);
    tags[g / 2] |= static_cast<uint8_t>(g % 2 == 0 ? tag : tag << 4);
  }
}

void arch_mte_page_freed(uint64_t pa) {
  uint64_t index = 0;
  if (arm64::flag_index(pa, &index)) arm64::g_flags[index / 64] &= ~(uint64_t{1} << (index % 64));
}
