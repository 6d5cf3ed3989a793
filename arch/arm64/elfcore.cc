// arm64's part of a core file: the regsets Linux 6.12's aarch64 view writes for a process that
// uses neither SVE, SME, PAC keys nor hardware breakpoints (arch/arm64/kernel/ptrace.c), and the
// MTE tag segments of arch/arm64/kernel/elfcore.c.
//
// Notes after NT_PRSTATUS, in the view's order: NT_PRFPREG (user_fpsimd_state: V0-V31, FPSR,
// FPCR, two reserved words), NT_ARM_TLS (TPIDR_EL0, then TPIDR2_EL0, 0 without SME) and
// NT_ARM_TAGGED_ADDR_CTRL (the PR_GET_TAGGED_ADDR_CTRL value, 0 until a process can set it).
#include "kernel/arch/coredump.h"

#include "arch/arm64/user_context.h"
#include "kernel/coredump/memtag_segments.h"
#include "kernel/lib/string.h"

namespace {

constexpr size_t PR_REG = 34 * 8;  // user_pt_regs: x0-x30, sp, pc, pstate
constexpr size_t FPSIMD = 528;     // user_fpsimd_state
constexpr size_t TLS = 16;
constexpr size_t TAGGED_ADDR_CTRL = 8;
static_assert(PR_REG + FPSIMD + TLS + TAGGED_ADDR_CTRL <= ARCH_CORE_BYTES);

// Allocation tags of a page. No page carries tags yet (no mapping is Normal Tagged), so every
// page is what Linux calls !PG_mte_tagged: a hole in the tag segment.
bool page_tags(void*, const CoreVma&, uint64_t, uint8_t*) { return false; }

const CoreTagSource TAG_SOURCE{page_tags, nullptr};
const CoreExtraSegments MEMTAG = memtag_segments(TAG_SOURCE);

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

const CoreExtraSegments* arch_core_extra_segments() { return &MEMTAG; }
