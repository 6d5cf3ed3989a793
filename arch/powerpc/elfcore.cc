// powerpc64's part of a core file: the regsets Linux 6.12's native view writes
// (arch/powerpc/kernel/ptrace/ptrace-view.c) for the state Maplet keeps: NT_PRSTATUS's pr_reg
// (pt_regs as gpr_get gives it, softe 1, padded to ELF_NGREG = 48 words), NT_PRFPREG (f0-f31 and
// FPSCR), NT_PPC_VMX (v0-v31, VSCR in its quadword's last word, VRSAVE in the next quadword's
// first) once the program used VMX, and NT_PPC_VSX (the second doublewords of VSR 0-31) once it
// used VSX: Linux skips a regset whose ->active() is 0 (fs/binfmt_elf.c fill_thread_core_info;
// vr_active and vsr_active look at used_vr and used_vsr); then NT_PPC_PPR, NT_PPC_DSCR and
// NT_PPC_TAR (the program's PPR, DSCR and TAR, pt_regs.ppr, thread.dscr and thread.tar, one
// doubleword each; regsets without ->active(), so in every core: ptrace-view.c ppr_get,
// dscr_get, tar_get). No extra segments.
#include "kernel/arch/coredump.h"

#include "arch/powerpc/user_context.h"
#include "kernel/lib/big_endian.h"
#include "kernel/lib/string.h"

namespace {

constexpr size_t PR_REG = 48 * 8;
constexpr size_t FPR = 33 * 8;
constexpr size_t VMX = 34 * 16;
constexpr size_t VSX = 32 * 8;
constexpr size_t PPR = 8;
constexpr size_t DSCR = 8;
constexpr size_t TAR = 8;
static_assert(PR_REG + FPR + VMX + VSX + PPR + DSCR + TAR <= ARCH_CORE_BYTES);
static_assert(ARCH_CORE_NOTES >= 6);

}  // namespace

void arch_core_thread(const UserContext* context, ArchCoreThread& out) {
  klib::mem_set(out.bytes, 0, sizeof(out.bytes));
  const TrapFrame& f = context->frame;
  const powerpc::VectorState& v = context->vector;
  auto* regs = reinterpret_cast<uint64_t*>(out.bytes);
  for (unsigned i = 0; i < 32; i++) regs[i] = f.gpr[i];
  // pt_regs after the GPRs: nip, msr, orig_gpr3 (as the last exit recorded it), ctr, link, xer,
  // ccr, softe, trap (the vector), dar, dsisr, result (trap_frame.h).
  regs[32] = f.srr0;
  regs[33] = f.srr1;
  regs[34] = f.orig_gpr3;
  regs[35] = f.ctr;
  regs[36] = f.lr;
  regs[37] = f.xer;
  regs[38] = f.cr;
  regs[39] = 1;
  regs[40] = f.vector;
  regs[41] = f.dar;
  regs[42] = f.dsisr;
  regs[43] = f.result;
  auto* fpr = reinterpret_cast<uint64_t*>(out.bytes + PR_REG);
  for (unsigned i = 0; i < 32; i++) fpr[i] = v.fpr(i);
  fpr[32] = v.fpscr;
  uint8_t* vmx = out.bytes + PR_REG + FPR;
  for (unsigned n = 0; n < 32; n++) v.vr_to_image(n, vmx + 16 * n);
  klib::mem_copy(vmx + 32 * 16, v.vscr_quad, 16);
  klib::mem_copy(vmx + 33 * 16, &v.vrsave_quad[0], 4);
  auto* vsx = reinterpret_cast<uint64_t*>(vmx + VMX);
  for (unsigned i = 0; i < 32; i++) vsx[i] = v.vsr[i][1];
  auto* ppr = reinterpret_cast<uint64_t*>(vmx + VMX + VSX);
  *ppr = context->ppr;
  auto* dscr = ppr + 1;
  *dscr = context->dscr;
  auto* tar = dscr + 1;
  *tar = context->tar;

  size_t notes = 0;
  out.notes[notes++] = {"CORE", NT_PRFPREG, reinterpret_cast<uint8_t*>(fpr), FPR};
  if (context->used_vr) out.notes[notes++] = {"LINUX", NT_PPC_VMX, vmx, VMX};
  if (context->used_vsr)
    out.notes[notes++] = {"LINUX", NT_PPC_VSX, reinterpret_cast<uint8_t*>(vsx), VSX};
  out.notes[notes++] = {"LINUX", NT_PPC_PPR, reinterpret_cast<uint8_t*>(ppr), PPR};
  out.notes[notes++] = {"LINUX", NT_PPC_DSCR, reinterpret_cast<uint8_t*>(dscr), DSCR};
  out.notes[notes++] = {"LINUX", NT_PPC_TAR, reinterpret_cast<uint8_t*>(tar), TAR};
  out.thread = CoreThread{};
  out.thread.machine = EM_PPC64;
  out.thread.order = NATIVE_BYTE_ORDER;
  out.thread.pr_reg = out.bytes;
  out.thread.pr_reg_size = PR_REG;
  out.thread.notes = out.notes;
  out.thread.note_count = notes;
}

const CoreExtraSegments* arch_core_extra_segments(const MmuOps&, ArchCoreExtra&) { return nullptr; }
