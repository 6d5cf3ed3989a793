// The per-program half of arm64 MTE (see mte.h): prctl(PR_SET/GET_TAGGED_ADDR_CTRL) as Linux 6.12's
// set_tagged_addr_ctrl()/set_mte_ctrl() and get_tagged_addr_ctrl()/get_mte_ctrl() define it
// (arch/arm64/kernel/process.c, mte.c), the registers switched per program, and the tagged address
// ABI's untagging (Documentation/arch/arm64/tagged-address-abi.rst).

#include "arch/arm64/mte.h"
#include "arch/arm64/sysreg.h"
#include "arch/arm64/user_context.h"
#include "kernel/arch/cpu_features.h"
#include "kernel/arch/mte.h"

namespace arm64 {
namespace {

// include/uapi/linux/prctl.h.
constexpr uint64_t PR_TAGGED_ADDR_ENABLE = 1;
constexpr uint64_t PR_MTE_TCF_SYNC = 1 << 1;
constexpr uint64_t PR_MTE_TCF_ASYNC = 1 << 2;
constexpr unsigned PR_MTE_TAG_SHIFT = 3;
constexpr uint64_t PR_MTE_TAG_MASK = uint64_t{0xffff} << PR_MTE_TAG_SHIFT;

constexpr unsigned SCTLR_TCF0_SHIFT = 38;
constexpr uint64_t SCTLR_TCF0_MASK = uint64_t{3} << SCTLR_TCF0_SHIFT;

// Linux's per-CPU mte_tcf_preferred starts asynchronous (mte.c, register_mte_tcf_preferred_sysctl)
// and only sysfs changes it; Maplet has no sysfs.
constexpr uint8_t PREFERRED_TCF = MteState::TCF_ASYNC;

// What the registers hold now, so that a run of the same program writes nothing.
uint64_t g_tcf0 = 0;
uint64_t g_gcr = GCR_RRND | GCR_EXCLUDE_MASK;
bool g_tagged_addr = false;

}  // namespace

TagCheckMode mte_user_mode(const MteState& state) {
  // With no overlap between the preferred mode and the requested ones, the request wins; the
  // order below breaks ties as mte_update_sctlr_user() does.
  const uint8_t resolved = (state.tcf & PREFERRED_TCF) != 0 ? PREFERRED_TCF : state.tcf;
  if (resolved & MteState::TCF_ASYMM) return TagCheckMode::Asymmetric;
  if (resolved & MteState::TCF_ASYNC) return TagCheckMode::Async;
  if (resolved & MteState::TCF_SYNC) return TagCheckMode::Sync;
  return TagCheckMode::None;
}

bool mte_user_tagged_addr() { return g_tagged_addr; }

void mte_enter_user(const MteState& state) {
  g_tagged_addr = state.tagged_addr;
  if (!arch_supports_mte()) return;
  const uint64_t tcf0 = static_cast<uint64_t>(mte_user_mode(state)) << SCTLR_TCF0_SHIFT;
  const uint64_t gcr = GCR_RRND | state.gcr_exclude;
  if (tcf0 != g_tcf0) {
    ARM64_WRITE_SYSREG(sctlr_el1, (ARM64_READ_SYSREG(sctlr_el1) & ~SCTLR_TCF0_MASK) | tcf0);
    g_tcf0 = tcf0;
  }
  if (gcr != g_gcr) {
    ARM64_WRITE_SYSREG(gcr_el1, gcr);
    g_gcr = gcr;
  }
  isb();
}

bool mte_take_user_async_fault() {
  if (!arch_supports_mte()) return false;
  // Asynchronous faults reach TFSRE0_EL1 indirectly: the DSB and ISB make the update visible
  // (Arm ARM, register TFSRE0_EL1; exception entry with SCTLR_EL1.ITFSB does the same).
  asm volatile("dsb nsh" ::: "memory");
  isb();
  if ((ARM64_READ_SYSREG(tfsre0_el1) & TFSR_TF0) == 0) return false;
  ARM64_WRITE_SYSREG(tfsre0_el1, 0);
  isb();
  return true;
}

}  // namespace arm64

uint64_t arch_untagged_addr(uint64_t address) {
  // untagged_addr(): AND with the address sign-extended from bit 55, which clears the top byte of
  // a user address and leaves a kernel one alone.
  const uint64_t extended = static_cast<uint64_t>(static_cast<int64_t>(address << 8) >> 8);
  return address & extended;
}

bool arch_tagged_addr_enabled(const UserContext* context) { return context->mte.tagged_addr; }

Result<void> arch_set_tagged_addr_ctrl(UserContext* context, uint64_t arg) {
  using namespace arm64;
  const bool mte = arch_supports_mte();
  uint64_t valid = PR_TAGGED_ADDR_ENABLE;
  if (mte) valid |= PR_MTE_TCF_SYNC | PR_MTE_TCF_ASYNC | PR_MTE_TAG_MASK;
  if ((arg & ~valid) != 0) return Error::Invalid;
  if (mte) {
    MteState& state = context->mte;
    state.gcr_exclude =
        static_cast<uint16_t>(~((arg & PR_MTE_TAG_MASK) >> PR_MTE_TAG_SHIFT) & GCR_EXCLUDE_MASK);
    state.tcf = 0;
    if (arg & PR_MTE_TCF_SYNC) state.tcf |= MteState::TCF_SYNC;
    if (arg & PR_MTE_TCF_ASYNC) state.tcf |= MteState::TCF_ASYNC;
    // Both modes asked for, on a CPU with FEAT_MTE3, also allow asymmetric checking.
    if ((arg & PR_MTE_TCF_SYNC) && (arg & PR_MTE_TCF_ASYNC) && mte_has_asymmetric()) {
      state.tcf |= MteState::TCF_ASYMM;
    }
  }
  context->mte.tagged_addr = (arg & PR_TAGGED_ADDR_ENABLE) != 0;
  return {};
}

Result<uint64_t> arch_get_tagged_addr_ctrl(const UserContext* context) {
  using namespace arm64;
  const MteState& state = context->mte;
  uint64_t value = state.tagged_addr ? PR_TAGGED_ADDR_ENABLE : 0;
  if (!arch_supports_mte()) return value;
  value |= static_cast<uint64_t>(static_cast<uint16_t>(~state.gcr_exclude)) << PR_MTE_TAG_SHIFT;
  if (state.tcf & MteState::TCF_SYNC) value |= PR_MTE_TCF_SYNC;
  if (state.tcf & MteState::TCF_ASYNC) value |= PR_MTE_TCF_ASYNC;
  return value;
}
