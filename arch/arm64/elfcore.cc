// arm64's part of a core file: the regsets Linux 6.12's aarch64 view writes for a process that
// uses neither SVE, SME, PAC keys nor hardware breakpoints (arch/arm64/kernel/ptrace.c), and the
// MTE tag segments of arch/arm64/kernel/elfcore.c.
//
// Notes after NT_PRSTATUS, in the view's order: NT_PRFPREG (user_fpsimd_state: V0-V31, FPSR,
// FPCR, two reserved words), NT_ARM_TLS (TPIDR_EL0, then TPIDR2_EL0, 0 without SME) and
// NT_ARM_TAGGED_ADDR_CTRL (the PR_GET_TAGGED_ADDR_CTRL value). All three are in every core, as on
// Linux, which skips only a regset whose ->active() says it is unused or whose get fails
// (fs/binfmt_elf.c fill_thread_core_info): fpr_active is the regset's size whenever the CPU has
// FP/SIMD, and the TLS and tagged-address regsets have no ->active(). (The regsets Linux also
// writes, and why Maplet leaves them out: oracle/core-differences.)
#include "kernel/arch/coredump.h"

#include "arch/arm64/user_context.h"
#include "kernel/arch/mte.h"
#include "kernel/coredump/memtag_segments.h"
#include "kernel/lib/string.h"

namespace {

constexpr size_t PR_REG = 34 * 8;  // user_pt_regs: x0-x30, sp, pc, pstate
constexpr size_t FPSIMD = 528;     // user_fpsimd_state
constexpr size_t TLS = 16;
constexpr size_t TAGGED_ADDR_CTRL = 8;
static_assert(PR_REG + FPSIMD + TLS + TAGGED_ADDR_CTRL <= ARCH_CORE_BYTES);

static_assert(MTE_PAGE_TAG_BYTES == MEMTAG_PAGE_BYTES);

struct Frame {
  uint64_t pa;
  bool found;
};

// Allocation tags of the page at va: those of the frame the page tables map there when Linux
// would call it PG_mte_tagged; a page never mapped, or never tagged (the zero page among them),
// is a hole.
bool page_tags(void* context, const CoreVma&, uint64_t va, uint8_t* out) {
  const MmuOps& mmu = static_cast<ArchCoreExtra*>(context)->mmu;
  Frame frame{0, false};
  mmu.walk(
      mmu.context, va, va + PAGE_SIZE,
      [](void* cookie, uint64_t, uint64_t pa, MmuAccess) {
        *static_cast<Frame*>(cookie) = Frame{pa, true};
        return false;
      },
      &frame);
  if (!frame.found || !arch_mte_page_tagged(frame.pa)) return false;
  arch_mte_read_page_tags(frame.pa, out);
  return true;
}

}  // namespace

void arch_core_thread(const UserContext* context, ArchCoreThread& out) {
  klib::mem_set(out.bytes, 0, sizeof(out.bytes));
  uint8_t* regs = out.bytes;
  auto* words = reinterpret_cast<uint64_t*>(regs);
  for (unsigned i = 0; i < 31; i++) words[i] = context->frame.x[i];
  words[31] = context->frame.sp;
  words[32] = context->frame.elr;
  words[33] = context->frame.spsr;
  uint8_t* fp = regs + PR_REG;
  klib::mem_copy(fp, &context->fpsimd, sizeof(context->fpsimd));
  uint8_t* tls = fp + FPSIMD;
  reinterpret_cast<uint64_t*>(tls)[0] = context->tpidr;
  uint8_t* tagged = tls + TLS;
  // get_tagged_addr_ctrl() cannot fail for an AArch64 program; 0 if it ever did.
  Result<uint64_t> ctrl = arch_get_tagged_addr_ctrl(context);
  reinterpret_cast<uint64_t*>(tagged)[0] = ctrl.is_ok() ? ctrl.value() : 0;

  out.notes[0] = {"CORE", NT_PRFPREG, fp, FPSIMD};
  out.notes[1] = {"LINUX", NT_ARM_TLS, tls, TLS};
  out.notes[2] = {"LINUX", NT_ARM_TAGGED_ADDR_CTRL, tagged, TAGGED_ADDR_CTRL};
  out.thread = CoreThread{};
  out.thread.machine = EM_AARCH64;
  out.thread.order = ByteOrder::Little;
  out.thread.pr_reg = regs;
  out.thread.pr_reg_size = PR_REG;
  out.thread.notes = out.notes;
  out.thread.note_count = 3;
}

const CoreExtraSegments* arch_core_extra_segments(const MmuOps& mmu, ArchCoreExtra& out) {
  out.mmu = mmu;
  out.tags = CoreTagSource{page_tags, &out};
  out.hooks = memtag_segments(out.tags);
  return &out.hooks;
}
