// arm64's part of a core file: the regsets Linux 6.12's aarch64 view writes for a process that
// uses neither SVE nor SME nor hardware breakpoints (arch/arm64/kernel/ptrace.c), and the MTE tag
// segments of arch/arm64/kernel/elfcore.c.
//
// Notes after NT_PRSTATUS, in the view's order (enum aarch64_regset): NT_PRFPREG
// (user_fpsimd_state: V0-V31, FPSR, FPCR, two reserved words), NT_ARM_TLS (TPIDR_EL0, then
// TPIDR2_EL0, 0 without SME), NT_ARM_SYSTEM_CALL (pt_regs.syscallno as an int), then where the CPU
// has address authentication NT_ARM_PAC_MASK (user_pac_mask: data mask, then instruction mask),
// NT_ARM_PAC_ENABLED_KEYS (the PR_PAC_* bits as a long) and NT_ARM_PACA_KEYS (APIA, APIB, APDA,
// APDB, each a 128-bit Hi:Lo value), where it has generic authentication NT_ARM_PACG_KEYS (APGA),
// and last NT_ARM_TAGGED_ADDR_CTRL (the PR_GET_TAGGED_ADDR_CTRL value). Linux skips only a regset
// whose ->active() says it is unused or whose get fails (fs/binfmt_elf.c fill_thread_core_info):
// fpr_active is the regset's size whenever the CPU has FP/SIMD, the others have no ->active(),
// and the PAC gets fail without the authentication they report (-EINVAL). The PACA and PACG keys
// are Debian's (CONFIG_CHECKPOINT_RESTORE) regsets. (The regsets Linux also writes, and why
// Maplet leaves them out: oracle/core-differences.)
//
// The system call number: the core of a process is written on the fatal-signal path, where Linux
// has forgotten the system call the signal arrived in (arch/arm64/kernel/signal.c do_signal calls
// forget_syscall before get_signal dumps) and every other entry from EL0 stored NO_SYSCALL
// (entry.S kernel_entry); the process Maplet dumps is in no system call either (Maplet has no
// ptrace stops), so the note holds NO_SYSCALL, -1.
#include "kernel/arch/coredump.h"

#include "arch/arm64/pointer_auth.h"
#include "arch/arm64/user_context.h"
#include "kernel/arch/mte.h"
#include "kernel/coredump/memtag_segments.h"
#include "kernel/lib/string.h"

namespace {

constexpr size_t PR_REG = 34 * 8;  // user_pt_regs: x0-x30, sp, pc, pstate
constexpr size_t FPSIMD = 528;     // user_fpsimd_state
constexpr size_t TLS = 16;
constexpr size_t SYSTEM_CALL = 4;
constexpr size_t PAC_MASK = 16;
constexpr size_t PAC_ENABLED_KEYS = 8;
constexpr size_t PACA_KEYS = 4 * 16;
constexpr size_t PACG_KEYS = 16;
constexpr size_t TAGGED_ADDR_CTRL = 8;
constexpr size_t NOTE_BYTES = PR_REG + FPSIMD + TLS + SYSTEM_CALL + PAC_MASK + PAC_ENABLED_KEYS +
                              PACA_KEYS + PACG_KEYS + TAGGED_ADDR_CTRL;
static_assert(NOTE_BYTES + 16 <= ARCH_CORE_BYTES);  // + the 16-byte alignment of the keys
static_assert(ARCH_CORE_NOTES >= 8);

constexpr int32_t NO_SYSCALL = -1;  // arch/arm64/include/asm/ptrace.h

// A key as the PAC key regsets give it: the 128-bit value Hi:Lo, little-endian, so Lo first.
uint8_t* put_key(uint8_t* at, const uint64_t (&key)[2]) {
  reinterpret_cast<uint64_t*>(at)[0] = key[0];
  reinterpret_cast<uint64_t*>(at)[1] = key[1];
  return at + 16;
}

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
  uint8_t* syscall = tls + TLS;
  *reinterpret_cast<int32_t*>(syscall) = NO_SYSCALL;
  // The 128-bit keys stay 16-byte aligned as their regsets' align says.
  uint8_t* mask = regs + ((PR_REG + FPSIMD + TLS + SYSTEM_CALL + 15) & ~size_t{15});
  reinterpret_cast<uint64_t*>(mask)[0] = arm64::pac_user_mask();
  reinterpret_cast<uint64_t*>(mask)[1] = arm64::pac_user_mask();
  uint8_t* enabled = mask + PAC_MASK;
  reinterpret_cast<uint64_t*>(enabled)[0] = arm64::pac_enabled_keys();
  uint8_t* address_keys = enabled + 16;  // past the long and its padding to 16 bytes
  uint8_t* at = put_key(address_keys, context->pac.ia);
  at = put_key(at, context->pac.ib);
  at = put_key(at, context->pac.da);
  uint8_t* generic_key = put_key(at, context->pac.db);
  put_key(generic_key, context->pac.ga);
  uint8_t* tagged = generic_key + PACG_KEYS;
  // get_tagged_addr_ctrl() cannot fail for an AArch64 program; 0 if it ever did.
  Result<uint64_t> ctrl = arch_get_tagged_addr_ctrl(context);
  reinterpret_cast<uint64_t*>(tagged)[0] = ctrl.is_ok() ? ctrl.value() : 0;

  size_t notes = 0;
  out.notes[notes++] = {"CORE", NT_PRFPREG, fp, FPSIMD};
  out.notes[notes++] = {"LINUX", NT_ARM_TLS, tls, TLS};
  out.notes[notes++] = {"LINUX", NT_ARM_SYSTEM_CALL, syscall, SYSTEM_CALL};
  if (arm64::pac_address_supported()) {
    out.notes[notes++] = {"LINUX", NT_ARM_PAC_MASK, mask, PAC_MASK};
    out.notes[notes++] = {"LINUX", NT_ARM_PAC_ENABLED_KEYS, enabled, PAC_ENABLED_KEYS};
    out.notes[notes++] = {"LINUX", NT_ARM_PACA_KEYS, address_keys, PACA_KEYS};
  }
  if (arm64::pac_generic_supported())
    out.notes[notes++] = {"LINUX", NT_ARM_PACG_KEYS, generic_key, PACG_KEYS};
  out.notes[notes++] = {"LINUX", NT_ARM_TAGGED_ADDR_CTRL, tagged, TAGGED_ADDR_CTRL};
  out.thread = CoreThread{};
  out.thread.machine = EM_AARCH64;
  out.thread.order = ByteOrder::Little;
  out.thread.pr_reg = regs;
  out.thread.pr_reg_size = PR_REG;
  out.thread.notes = out.notes;
  out.thread.note_count = notes;
}

const CoreExtraSegments* arch_core_extra_segments(const MmuOps& mmu, ArchCoreExtra& out) {
  out.mmu = mmu;
  out.tags = CoreTagSource{page_tags, &out};
  out.hooks = memtag_segments(out.tags);
  return &out.hooks;
}
