// MTE at EL1 (Arm ARM, "The Memory Tagging Extension" and the instruction descriptions of IRG,
// ADDG, SUBG, STG, ST2G, STZG, STGM, LDGM and LDG): the tag instructions on a page of RAM through
// the kernel's Normal Tagged map, the GCR_EL1 exclusion mask, tags exact per 16-byte granule, and
// tag checking of EL1 accesses in each mode SCTLR_EL1.TCF offers, each fault decoded. A pointer's
// logical tag is address bits [59:56]; plain kernel pointers (tag 0xf) are unchecked
// (TCR_EL1.TCMA1), so a test chooses tags 0-14 for the pointers it wants checked. Every case skips
// without FEAT_MTE2.

#include "arch/arm64/mte.h"
#include "arch/arm64/esr.h"
#include "arch/arm64/kernel_map.h"
#include "arch/arm64/sysreg.h"
#include "arch/arm64/tests/fault_probes.h"
#include "kernel/arch/cpu_features.h"
#include "kernel/arch/trap.h"
#include "kernel/lib/recover.h"
#include "kernel/mm/physical_pages.h"
#include "kernel/test/test.h"

namespace {

using arm64::TagCheckMode;

constexpr uint64_t GRANULE = 16;
constexpr uint64_t TAG_SHIFT = 56;
constexpr uint64_t TAG_MASK = uint64_t{0xf} << TAG_SHIFT;

uint64_t with_tag(uint64_t address, uint64_t tag) {
  return (address & ~TAG_MASK) | ((tag & 0xf) << TAG_SHIFT);
}
uint64_t tag_of(uint64_t address) { return (address >> TAG_SHIFT) & 0xf; }

void stg(uint64_t address) { asm volatile("stg %0, [%0]" ::"r"(address) : "memory"); }
uint64_t ldg(uint64_t address) {
  asm volatile("ldg %0, [%0]" : "+r"(address));
  return tag_of(address);
}

// One page of RAM for a test, through the Normal Tagged map; its tags go back to 0 with it.
struct TestPage {
  uint64_t pa = 0;
  uint64_t va = 0;
  bool ok = false;
  TestPage() {
    Result<uint64_t> page = physical_pages().alloc(1);
    if (page.is_error()) return;
    pa = page.value();
    va = arm64::kernel_va(pa);
    ok = true;
  }
  ~TestPage() {
    if (!ok) return;
    for (uint64_t a = va; a < va + PAGE_SIZE; a += GRANULE) stg(with_tag(a, 0));
    physical_pages().free(pa, 1);
  }
};

// GCR_EL1 for the length of a test.
struct GcrScope {
  uint64_t saved;
  explicit GcrScope(uint64_t value) : saved(ARM64_READ_SYSREG(gcr_el1)) {
    ARM64_WRITE_SYSREG(gcr_el1, value);
    arm64::isb();
  }
  ~GcrScope() {
    ARM64_WRITE_SYSREG(gcr_el1, saved);
    arm64::isb();
  }
};

// SCTLR_EL1.TCF for the length of a test.
struct CheckScope {
  TagCheckMode saved;
  explicit CheckScope(TagCheckMode mode) : saved(arm64::mte_set_kernel_mode(mode)) {}
  ~CheckScope() { arm64::mte_set_kernel_mode(saved); }
};

uint64_t take_tfsr() {
  asm volatile("dsb nsh" ::: "memory");
  arm64::isb();
  const uint64_t value = ARM64_READ_SYSREG(tfsr_el1);
  ARM64_WRITE_SYSREG(tfsr_el1, 0);
  arm64::isb();
  return value;
}

#define REQUIRE_MTE() \
  if (!arch_supports_mte()) KTEST_SKIP("no FEAT_MTE2 (ID_AA64PFR1_EL1.MTE < 2)")

}  // namespace

KTEST(arm64_mte, stg_sets_exactly_one_granule) {
  REQUIRE_MTE();
  TestPage page;
  ASSERT_TRUE(page.ok);
  // The probe of a per-page tag store (QEMU before 8.0): tags 3 and 7 on granules 0 and 2, and
  // granules 1, 3 and 4 keep tag 0.
  stg(with_tag(page.va, 3));
  stg(with_tag(page.va + 2 * GRANULE, 7));
  EXPECT_EQ(ldg(page.va), 3u);
  EXPECT_EQ(ldg(page.va + GRANULE), 0u);
  EXPECT_EQ(ldg(page.va + 2 * GRANULE), 7u);
  EXPECT_EQ(ldg(page.va + 3 * GRANULE), 0u);
  EXPECT_EQ(ldg(page.va + 4 * GRANULE), 0u);
  // LDG of any byte of a granule reads that granule's tag.
  EXPECT_EQ(ldg(page.va + 2 * GRANULE + 15), 7u);
}

KTEST(arm64_mte, st2g_sets_two_granules_and_stzg_zeroes_one) {
  REQUIRE_MTE();
  TestPage page;
  ASSERT_TRUE(page.ok);
  auto* words = reinterpret_cast<volatile uint64_t*>(page.va);
  for (unsigned i = 0; i < 8; i++) words[i] = 0x1111111111111111 * (i + 1);
  asm volatile("st2g %0, [%0]" ::"r"(with_tag(page.va, 9)) : "memory");
  EXPECT_EQ(ldg(page.va), 9u);
  EXPECT_EQ(ldg(page.va + GRANULE), 9u);
  EXPECT_EQ(ldg(page.va + 2 * GRANULE), 0u);
  EXPECT_EQ(words[0], 0x1111111111111111u);  // ST2G leaves the data
  asm volatile("stzg %0, [%0]" ::"r"(with_tag(page.va + 2 * GRANULE, 4)) : "memory");
  EXPECT_EQ(ldg(page.va + 2 * GRANULE), 4u);
  EXPECT_EQ(words[4], 0u);
  EXPECT_EQ(words[5], 0u);
  EXPECT_EQ(words[6], 0x7777777777777777u);  // the next granule keeps its data
  EXPECT_EQ(words[3], 0x4444444444444444u);
}

KTEST(arm64_mte, stgm_and_ldgm_move_a_block_of_tags) {
  REQUIRE_MTE();
  TestPage page;
  ASSERT_TRUE(page.ok);
  // GMID_EL1.BS [3:0]: log2 of the block STGM and LDGM cover, in 4-byte words.
  const uint64_t block = uint64_t{4} << arm64::field(ARM64_READ_SYSREG(gmid_el1), 0, 4);
  const uint64_t granules = block / GRANULE;
  KTEST_NOTE("GMID_EL1 block: %llu bytes", static_cast<unsigned long long>(block));
  ASSERT_LE(granules, 16u);
  // Tag n of the register goes to granule n of the block: bits [4n+3:4n].
  const uint64_t pattern = 0xfedcba9876543210;
  asm volatile("stgm %0, [%1]" ::"r"(pattern), "r"(page.va) : "memory");
  for (uint64_t g = 0; g < granules; g++) EXPECT_EQ(ldg(page.va + g * GRANULE), g);
  stg(with_tag(page.va + GRANULE, 0xe));
  uint64_t loaded = 0;
  asm volatile("ldgm %0, [%1]" : "=r"(loaded) : "r"(page.va) : "memory");
  const uint64_t mask = granules == 16 ? ~uint64_t{0} : (uint64_t{1} << (4 * granules)) - 1;
  EXPECT_EQ(loaded, ((pattern & ~uint64_t{0xf0}) | 0xe0) & mask);
}

KTEST(arm64_mte, irg_never_picks_an_excluded_tag) {
  REQUIRE_MTE();
  TestPage page;
  ASSERT_TRUE(page.ok);
  {
    // Only tag 5 allowed: IRG must produce it every time.
    GcrScope gcr(arm64::GCR_RRND | (arm64::GCR_EXCLUDE_MASK & ~(uint64_t{1} << 5)));
    for (unsigned i = 0; i < 32; i++) {
      uint64_t tagged = 0;
      asm volatile("irg %0, %1" : "=r"(tagged) : "r"(page.va));
      ASSERT_EQ(tag_of(tagged), 5u);
      ASSERT_EQ(tagged & ~TAG_MASK, page.va & ~TAG_MASK);
    }
  }
  // Tag 0 excluded (what a program asking for tags 1-15 gets): never 0, and more than one tag.
  GcrScope gcr(arm64::GCR_RRND | 1);
  uint64_t seen = 0;
  for (unsigned i = 0; i < 200; i++) {
    uint64_t tagged = 0;
    asm volatile("irg %0, %1" : "=r"(tagged) : "r"(page.va));
    seen |= uint64_t{1} << tag_of(tagged);
  }
  EXPECT_EQ(seen & 1, 0u);
  EXPECT_GT(__builtin_popcountll(seen), 1);
  // IRG's register operand excludes more, on top of GCR_EL1: 0xfffc leaves tag 1 only.
  uint64_t tagged = 0;
  asm volatile("irg %0, %1, %2" : "=r"(tagged) : "r"(page.va), "r"(uint64_t{0xfffc}));
  EXPECT_EQ(tag_of(tagged), 1u);
}

KTEST(arm64_mte, addg_and_subg_move_the_address_and_the_tag) {
  REQUIRE_MTE();
  TestPage page;
  ASSERT_TRUE(page.ok);
  GcrScope none(arm64::GCR_RRND);  // no tag excluded: plain arithmetic modulo 16
  const uint64_t base = with_tag(page.va + 4 * GRANULE, 14);
  uint64_t added = 0, subtracted = 0;
  asm volatile("addg %0, %1, #32, #3" : "=r"(added) : "r"(base));
  asm volatile("subg %0, %1, #48, #2" : "=r"(subtracted) : "r"(base));
  EXPECT_EQ(added & ~TAG_MASK, (page.va + 6 * GRANULE) & ~TAG_MASK);
  EXPECT_EQ(tag_of(added), 1u);  // 14 + 3 wraps to 1
  EXPECT_EQ(subtracted & ~TAG_MASK, (page.va + GRANULE) & ~TAG_MASK);
  EXPECT_EQ(tag_of(subtracted), 0u);  // SUBG too adds its tag offset: 14 + 2 wraps to 0
  // With tags 15 and 0 excluded, 14 + 3 steps over them: 14 -> 1 -> 2 -> 3.
  GcrScope excluded(arm64::GCR_RRND | 0x8001);
  asm volatile("addg %0, %1, #0, #3" : "=r"(added) : "r"(base));
  EXPECT_EQ(tag_of(added), 3u);
}

KTEST(arm64_mte, sync_check_faults_on_a_mismatched_load_and_store) {
  REQUIRE_MTE();
  TestPage page;
  ASSERT_TRUE(page.ok);
  stg(with_tag(page.va, 3));
  const uint64_t good = with_tag(page.va, 3);
  const uint64_t bad = with_tag(page.va + 8, 5);
  *reinterpret_cast<volatile uint64_t*>(page.va) = 0x5a5a;
  CheckScope sync(TagCheckMode::Sync);
  EXPECT_EQ(arm64_probe_load(good), 0x5a5au);  // matching tag: no fault

  Fault fault;
  auto load = [bad] { (void)arm64_probe_load(bad); };
  ASSERT_FALSE(run_recoverable(load, &fault));
  KTEST_NOTE("banner: %s", fault.message);
  ASSERT_EQ(fault.cause, Fault::Cause::Trap);
  EXPECT_EQ(fault.trap.kind, TrapKind::TagCheck);
  EXPECT_EQ(fault.trap.vector, uint32_t{arm64::EC_DABT_CURRENT});
  EXPECT_EQ(arm64::esr_fsc(fault.trap.syndrome), uint64_t{arm64::FSC_TAG_CHECK});
  EXPECT_FALSE(arm64::esr_write(fault.trap.syndrome));
  // FAR_EL1 bits [63:60] are UNKNOWN for a tag-check fault; the rest is the tagged address.
  EXPECT_EQ(fault.trap.address << 4, bad << 4);
  EXPECT_EQ(fault.trap.pc, reinterpret_cast<uint64_t>(arm64_probe_load_instruction));

  auto store = [bad] { arm64_probe_store(bad); };
  ASSERT_FALSE(run_recoverable(store, &fault));
  ASSERT_EQ(fault.cause, Fault::Cause::Trap);
  EXPECT_EQ(fault.trap.kind, TrapKind::TagCheck);
  EXPECT_TRUE(arm64::esr_write(fault.trap.syndrome));
  EXPECT_EQ(fault.trap.syndrome & 0xffffffff, 0x96000051u);
}

KTEST(arm64_mte, unchecked_without_tcf_and_with_tco) {
  REQUIRE_MTE();
  TestPage page;
  ASSERT_TRUE(page.ok);
  stg(with_tag(page.va, 3));
  *reinterpret_cast<volatile uint64_t*>(page.va) = 0x77;
  const uint64_t bad = with_tag(page.va, 6);
  {
    CheckScope none(TagCheckMode::None);
    EXPECT_EQ(arm64_probe_load(bad), 0x77u);
  }
  CheckScope sync(TagCheckMode::Sync);
  asm volatile("msr tco, #1" ::: "memory");
  const uint64_t value = arm64_probe_load(bad);
  asm volatile("msr tco, #0" ::: "memory");
  EXPECT_EQ(value, 0x77u);
}

KTEST(arm64_mte, async_check_records_the_fault_in_tfsr) {
  REQUIRE_MTE();
  TestPage page;
  ASSERT_TRUE(page.ok);
  stg(with_tag(page.va, 3));
  *reinterpret_cast<volatile uint64_t*>(page.va) = 0x99;
  (void)take_tfsr();
  uint64_t tfsr = 0;
  {
    CheckScope async(TagCheckMode::Async);
    EXPECT_EQ(arm64_probe_load(with_tag(page.va, 3)), 0x99u);
    EXPECT_EQ(take_tfsr(), 0u);
    // No exception: the mismatch only sets TFSR_EL1.TF1 (an upper-half address).
    (void)arm64_probe_load(with_tag(page.va, 2));
    tfsr = take_tfsr();
  }
  EXPECT_EQ(tfsr & (arm64::TFSR_TF0 | arm64::TFSR_TF1), arm64::TFSR_TF1);
}

KTEST(arm64_mte, asymmetric_check_faults_loads_and_records_stores) {
  REQUIRE_MTE();
  if (!arm64::mte_has_asymmetric()) KTEST_SKIP("no FEAT_MTE3 (ID_AA64PFR1_EL1.MTE < 3)");
  TestPage page;
  ASSERT_TRUE(page.ok);
  stg(with_tag(page.va, 3));
  const uint64_t bad = with_tag(page.va, 8);
  (void)take_tfsr();
  CheckScope asymmetric(TagCheckMode::Asymmetric);
  Fault fault;
  auto load = [bad] { (void)arm64_probe_load(bad); };
  ASSERT_FALSE(run_recoverable(load, &fault));
  ASSERT_EQ(fault.cause, Fault::Cause::Trap);
  EXPECT_EQ(fault.trap.kind, TrapKind::TagCheck);
  EXPECT_EQ(take_tfsr(), 0u);
  arm64_probe_store(bad);  // no exception
  EXPECT_EQ(take_tfsr() & arm64::TFSR_TF1, arm64::TFSR_TF1);
}
