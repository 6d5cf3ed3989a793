// Address spaces on the real MMU: each ASID sees its own pages at the same address, and unmap and
// protect flush the TLB, so a translation the CPU has just used is really gone. Accesses are
// LDTR/STTR, checked against the EL0 permissions as the user program's would be.

#include "arch/arm64/descriptor.h"
#include "arch/arm64/esr.h"
#include "arch/arm64/mmu_boot.h"
#include "arch/arm64/page_table.h"
#include "arch/arm64/sysreg.h"
#include "arch/arm64/tests/fault_probes.h"
#include "kernel/lib/recover.h"
#include "kernel/mm/physical_pages.h"
#include "kernel/test/test.h"

namespace {

constexpr uint64_t VA = 0x400000;

uint64_t& word_of(uint64_t pa) { return *static_cast<uint64_t*>(arch_phys_to_virt(pa)); }

// Runs `access` and returns the trap it must end in.
template <typename F>
TrapInfo trap_of(F access) {
  Fault fault;
  const bool returned = run_recoverable(access, &fault);
  EXPECT_FALSE(returned);
  EXPECT_EQ(fault.cause, Fault::Cause::Trap);
  return fault.trap;
}

struct Space {
  ArchAddressSpace* aspace = nullptr;
  MmuOps mmu{};
  uint64_t page = 0;

  // One page of RAM holding `value`, mapped at VA with `flags`.
  bool create(uint64_t value, VmFlags flags) {
    Result<ArchAddressSpace*> created = arch_aspace_create();
    Result<uint64_t> pa = physical_pages().alloc(1);
    if (created.is_error() || pa.is_error()) return false;
    aspace = created.value();
    mmu = arch_aspace_mmu_ops(aspace);
    page = pa.value();
    word_of(page) = value;
    return mmu.map(mmu.context, VA, page, PAGE_SIZE, flags).is_ok();
  }

  ~Space() {
    arch_aspace_activate(nullptr);
    if (aspace != nullptr) {
      mmu.unmap(mmu.context, 0, arm64::user_va_limit());
      arch_aspace_destroy(aspace);
    }
    if (page != 0) physical_pages().free(page, 1);
  }
};

}  // namespace

KTEST(arm64_page_table_tlb, two_spaces_see_their_own_page_at_one_address) {
  Space a;
  Space b;
  ASSERT_TRUE(a.create(0xaaaa, VM_READ));
  ASSERT_TRUE(b.create(0xbbbb, VM_READ));
  EXPECT_NE(a.aspace->asid, b.aspace->asid);
  for (int round = 0; round < 3; round++) {
    arch_aspace_activate(a.aspace);
    EXPECT_EQ(arm64_probe_load_user(VA), 0xaaaau);
    arch_aspace_activate(b.aspace);
    EXPECT_EQ(arm64_probe_load_user(VA), 0xbbbbu);
  }
  arch_aspace_activate(nullptr);
  const TrapInfo trap = trap_of([] { (void)arm64_probe_load_user(VA); });
  EXPECT_EQ(trap.address, VA);
  EXPECT_TRUE(arm64::fsc_is_translation(arm64::esr_fsc(trap.syndrome)));
}

// arch_aspace_activate writes only the registers that change (TTBR0_EL1, TCR_EL1.EPD0): each
// sequence must still leave exactly the asked-for space walkable.
KTEST(arm64_page_table_tlb, activating_twice_or_in_turn_leaves_the_asked_for_space) {
  Space a;
  Space b;
  ASSERT_TRUE(a.create(0xaaaa, VM_READ));
  ASSERT_TRUE(b.create(0xbbbb, VM_READ));
  arch_aspace_activate(a.aspace);
  arch_aspace_activate(a.aspace);
  EXPECT_EQ(arm64_probe_load_user(VA), 0xaaaau);
  arch_aspace_activate(b.aspace);
  constexpr unsigned ASID_SHIFT = 48;  // TTBR0_EL1.ASID, bits [63:48]
  EXPECT_EQ(ARM64_READ_SYSREG(ttbr0_el1) >> ASID_SHIFT, b.aspace->asid);
  EXPECT_EQ(arm64_probe_load_user(VA), 0xbbbbu);
  arch_aspace_activate(nullptr);
  arch_aspace_activate(nullptr);
  EXPECT_EQ(ARM64_READ_SYSREG(ttbr0_el1), 0u);
  EXPECT_NE(ARM64_READ_SYSREG(tcr_el1) & arm64::TCR_EPD0, 0u);
  const TrapInfo trap = trap_of([] { (void)arm64_probe_load_user(VA); });
  EXPECT_TRUE(arm64::fsc_is_translation(arm64::esr_fsc(trap.syndrome)));
  arch_aspace_activate(a.aspace);
  EXPECT_EQ(ARM64_READ_SYSREG(tcr_el1) & arm64::TCR_EPD0, 0u);
  EXPECT_EQ(arm64_probe_load_user(VA), 0xaaaau);
}

KTEST(arm64_page_table_tlb, unmap_flushes_the_translation) {
  // Two pages under one level-3 table, which stays: only the flush of the unmapped page itself
  // can remove its translation.
  Space s;
  ASSERT_TRUE(s.create(0x1234, VM_READ | VM_WRITE));
  ASSERT_OK(s.mmu.map(s.mmu.context, VA + PAGE_SIZE, s.page, PAGE_SIZE, VM_READ));
  arch_aspace_activate(s.aspace);
  EXPECT_EQ(arm64_probe_load_user(VA), 0x1234u);
  EXPECT_EQ(arm64_probe_load_user(VA + PAGE_SIZE), 0x1234u);  // now in the TLB
  s.mmu.unmap(s.mmu.context, VA + PAGE_SIZE, VA + 2 * PAGE_SIZE);
  const TrapInfo trap = trap_of([] { (void)arm64_probe_load_user(VA + PAGE_SIZE); });
  EXPECT_EQ(trap.kind, TrapKind::DataAbort);
  EXPECT_EQ(trap.address, VA + PAGE_SIZE);
  EXPECT_EQ(trap.pc, reinterpret_cast<uint64_t>(arm64_probe_load_user_instruction));
  EXPECT_TRUE(arm64::fsc_is_translation(arm64::esr_fsc(trap.syndrome)));
  EXPECT_EQ(arm64_probe_load_user(VA), 0x1234u);

  // The last page goes with its tables, and its translation too.
  s.mmu.unmap(s.mmu.context, VA, VA + PAGE_SIZE);
  EXPECT_EQ(trap_of([] { (void)arm64_probe_load_user(VA); }).address, VA);
}

KTEST(arm64_page_table_tlb, protect_flushes_the_old_permission) {
  Space s;
  ASSERT_TRUE(s.create(0, VM_READ | VM_WRITE));
  arch_aspace_activate(s.aspace);
  arm64_probe_store_user(VA, 0x5678);
  EXPECT_EQ(word_of(s.page), 0x5678u);
  s.mmu.protect(s.mmu.context, VA, VA + PAGE_SIZE, VM_READ);
  const TrapInfo trap = trap_of([] { arm64_probe_store_user(VA, 1); });
  EXPECT_EQ(trap.address, VA);
  EXPECT_TRUE(arm64::esr_write(trap.syndrome));
  EXPECT_EQ(arm64::esr_fsc(trap.syndrome) & ~3u, uint32_t{arm64::FSC_PERMISSION});
  EXPECT_EQ(arm64_probe_load_user(VA), 0x5678u);
  EXPECT_EQ(word_of(s.page), 0x5678u);

  // PROT_NONE: not even a read.
  s.mmu.protect(s.mmu.context, VA, VA + PAGE_SIZE, VM_NONE);
  const TrapInfo none = trap_of([] { (void)arm64_probe_load_user(VA); });
  EXPECT_EQ(none.address, VA);
  EXPECT_FALSE(arm64::esr_write(none.syndrome));
}

KTEST(arm64_page_table_tlb, asids_run_out_and_come_back) {
  const unsigned limit = arm64::address_space_limit();
  KTEST_NOTE("%u address spaces at most", limit - 1);
  static ArchAddressSpace* spaces[arm64::MAX_ADDRESS_SPACES];
  const uint64_t before = physical_pages().free_pages();
  unsigned count = 0;
  for (;;) {
    Result<ArchAddressSpace*> created = arch_aspace_create();
    if (created.is_error()) {
      EXPECT_EQ(created.error(), Error::NoMemory);
      break;
    }
    ASSERT_LT(count, limit);
    spaces[count++] = created.value();
  }
  EXPECT_EQ(count, limit - 1);
  for (unsigned i = 0; i < count; i++) arch_aspace_destroy(spaces[i]);
  EXPECT_EQ(physical_pages().free_pages(), before);
}

KTEST(arm64_page_table_tlb, a_recycled_asid_starts_clean) {
  // QEMU 10 empties its whole TLB whenever TTBR0_EL1's ASID changes, which deactivating does, so
  // this cannot catch a missing TLBI ASIDE1IS there; it guards the recycling itself. The first
  // owner of an ASID leaves a translation in the TLB and is destroyed with it still mapped; the
  // next owner of the ASID maps another page at the same address.
  Space first;
  ASSERT_TRUE(first.create(0x1111, VM_READ));
  arch_aspace_activate(first.aspace);
  EXPECT_EQ(arm64_probe_load_user(VA), 0x1111u);
  arch_aspace_activate(nullptr);
  const uint16_t asid = first.aspace->asid;
  arch_aspace_destroy(first.aspace);
  first.aspace = nullptr;

  Space second;
  ASSERT_TRUE(second.create(0x2222, VM_READ));
  ASSERT_EQ(second.aspace->asid, asid);
  arch_aspace_activate(second.aspace);
  EXPECT_EQ(arm64_probe_load_user(VA), 0x2222u);
}

// The top of the user half: 52-bit VAs with FEAT_LPA2 (TCR_EL1.DS, T0SZ = 12, walks from level
// -1), 48 without. A page at the very top is reached through its own root entry, and its TLB entry
// is flushed like any other; the first address past the top does not translate.
KTEST(arm64_page_table_tlb, the_top_of_the_user_half_translates) {
  const bool lpa2 = arm64::mmu_lpa2();
  KTEST_NOTE("%u-bit user addresses", lpa2 ? 52u : 48u);
  const uint64_t tcr = ARM64_READ_SYSREG(tcr_el1);
  constexpr unsigned TCR_DS_BIT = 59;
  EXPECT_EQ(tcr & 0x3f, lpa2 ? 12u : 16u);  // T0SZ
  EXPECT_EQ((tcr >> TCR_DS_BIT) & 1, lpa2 ? 1u : 0u);
  EXPECT_EQ(arm64::user_va_limit(), uint64_t{1} << (lpa2 ? 52 : 48));
  EXPECT_EQ(arch_user_task_size(), arm64::user_va_limit());

  Space s;
  ASSERT_TRUE(s.create(0x5151, VM_READ | VM_WRITE));
  const uint64_t top = arm64::user_va_limit() - PAGE_SIZE;
  ASSERT_OK(s.mmu.map(s.mmu.context, top, s.page, PAGE_SIZE, VM_READ | VM_WRITE));
  const uint64_t root_top = arm64::aspace_root_entry(s.aspace, top);
  EXPECT_EQ(root_top & (arm64::DESC_VALID | arm64::DESC_TABLE),
            arm64::DESC_VALID | arm64::DESC_TABLE);
  EXPECT_NE(root_top, arm64::aspace_root_entry(s.aspace, VA));
  arch_aspace_activate(s.aspace);
  EXPECT_EQ(arm64_probe_load_user(top), 0x5151u);
  arm64_probe_store_user(top, 0x6262);
  EXPECT_EQ(word_of(s.page), 0x6262u);
  EXPECT_EQ(arm64_probe_load_user(VA), 0x6262u);

  // Past the top, and (with 52 bits) under a root entry nothing was mapped below.
  const TrapInfo past = trap_of([] { (void)arm64_probe_load_user(arm64::user_va_limit()); });
  EXPECT_EQ(past.address, arm64::user_va_limit());
  EXPECT_TRUE(arm64::fsc_is_translation(arm64::esr_fsc(past.syndrome)));
  if (lpa2) {
    const TrapInfo empty = trap_of([] { (void)arm64_probe_load_user(uint64_t{1} << 50); });
    EXPECT_EQ(empty.address, uint64_t{1} << 50);
    EXPECT_EQ(arm64::esr_fsc(empty.syndrome), uint32_t{arm64::FSC_TRANSLATION_LEVEL_MINUS_1});
    EXPECT_EQ(arm64::fault_status_level(arm64::esr_fsc(empty.syndrome)), -1);
  }

  // The translation just used goes with its tables.
  s.mmu.unmap(s.mmu.context, top, top + PAGE_SIZE);
  EXPECT_EQ(arm64::aspace_root_entry(s.aspace, top), 0u);
  const TrapInfo gone =
      trap_of([] { (void)arm64_probe_load_user(arm64::user_va_limit() - PAGE_SIZE); });
  EXPECT_EQ(gone.address, top);
  EXPECT_TRUE(arm64::fsc_is_translation(arm64::esr_fsc(gone.syndrome)));
  EXPECT_EQ(arm64_probe_load_user(VA), 0x6262u);
}
