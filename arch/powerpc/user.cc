// Running a user program: problem state with relocation and external interrupts on, the
// decrementer armed for one time slice, and every interrupt from the program turned into a
// UserExit (Power ISA v3.0B Book III, "Interrupts"; Linux's syscall convention from
// arch/powerpc/kernel/syscall.c and interrupt_64.S).

#include "kernel/arch/user.h"

#include "arch/powerpc/interrupt_record.h"
#include "arch/powerpc/regs.h"
#include "arch/powerpc/timer.h"
#include "arch/powerpc/user_context.h"
#include "kernel/arch/mmu.h"
#include "kernel/arch/timer.h"
#include "kernel/arch/uaccess.h"
#include "kernel/lib/big_endian.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/string.h"
#include "kernel/mm/physical_pages.h"

extern "C" {
// The context of the program running now, for user_entry.S; null while the kernel runs.
UserContext* powerpc_user_current;
}

namespace {

// 64-bit, problem state, external and decrementer interrupts on, instruction and data
// relocation, machine checks on, recoverable; the kernel's byte order (its programs are built for
// it); FP available, with FP exceptions disabled (FE0 = FE1 = 0; user_context.h); VMX and VSX
// once the program has used them (user_msr). (rfid turns EE, IR and DR on anyway when it sets PR:
// Book III, "Return From Interrupt Doubleword".)
constexpr uint64_t USER_MSR = (uint64_t{1} << MSR_SF_SHIFT) | MSR_EE | MSR_PR | MSR_FP | MSR_ME |
                              MSR_IR | MSR_DR | MSR_RI |
                              (NATIVE_BYTE_ORDER == ByteOrder::Little ? MSR_LE : 0);

// Linux's VSCR for a new program (arch/powerpc/kernel/process.c start_thread): it stores NJ
// (non-Java mode) as vr_state.vscr.u[3], which is VSCR's word of the quadword only in big-endian
// memory; a little-endian kernel's lvx puts another word into VSCR, so a ppc64le program starts
// with VSCR 0, as its core shows.
constexpr uint32_t VSCR_NJ = 0x0001'0000;
constexpr uint32_t NEW_PROGRAM_VSCR = NATIVE_BYTE_ORDER == ByteOrder::Big ? VSCR_NJ : 0;

// What load_up_altivec (arch/powerpc/kernel/vector.S) puts in a VRSAVE of 0 when it turns VMX on
// for a program (VSX's load_up_vsx calls it too): all ones, as glibc takes a non-zero VRSAVE to
// mean that the vector registers are live.
constexpr uint32_t VRSAVE_VMX_ON = 0xffff'ffff;

// The decrementer is counting down a time slice (kernel/arch/user.h): armed by a run and not
// yet ended by its interrupt or arch_user_slice_end.
bool g_slice_running = false;

// Vector offsets (Book III, "Interrupt Definitions").
constexpr uint64_t VECTOR_DECREMENTER = 0x900;
constexpr uint64_t VECTOR_SYSTEM_CALL = 0xc00;
constexpr uint64_t VECTOR_SCV = TRAP_SCV;
constexpr uint64_t VECTOR_VMX_UNAVAILABLE = 0xf20;
constexpr uint64_t VECTOR_VSX_UNAVAILABLE = 0xf40;

constexpr uint64_t VECTOR_PROGRAM = 0x700;
// SRR1 of a program interrupt: an illegal or a privileged instruction (Book III, "Program
// Interrupt").
constexpr uint64_t SRR1_PROGRAM_ILLEGAL = uint64_t{1} << 19;
constexpr uint64_t SRR1_PROGRAM_PRIVILEGED = uint64_t{1} << 18;

// The instructions Linux's program-check handler emulates for a program (arch/powerpc/kernel/
// traps.c emulate_instruction) that a POWER9 or POWER10 refuses in problem state, by their
// encodings (X-form; the SPR number's halves swapped in the instruction) with the register fields
// and reserved bits masked out: Linux's PPC_INST_* under their masks.
// mfspr rD, PVR (SPR 287, privileged).
constexpr uint32_t MFSPR_PVR_MASK = 0xfc1ffffe, MFSPR_PVR = 0x7c1f42a6;
// dcba, Data Cache Block Allocate, which the architecture no longer has: a hint, done as nothing.
constexpr uint32_t DCBA_MASK = 0xfc0007fe, DCBA = 0x7c0005ec;
// mfspr rD, DSCR and mtspr DSCR, rS by the privileged number 17 and the problem-state number 3:
// PPC_INST_MFSPR_DSCR(_USER) and PPC_INST_MTSPR_DSCR(_USER).
constexpr uint32_t DSCR_INSN_MASK = 0xfc1ffffe, MFSPR_DSCR = 0x7c1102a6, MTSPR_DSCR = 0x7c1103a6,
                   MFSPR_DSCR_USER = 0x7c0302a6, MTSPR_DSCR_USER = 0x7c0303a6;

uint64_t read_pvr() {
  uint64_t pvr;
  asm volatile("mfpvr %0" : "=r"(pvr));
  return pvr;
}

// An illegal or privileged instruction that trapped, done as Linux's program-check handler does
// it: mfpvr reads the PVR; dcba does nothing; an access to DSCR (problem state may not name the
// privileged SPR 17, and a processor may not implement SPR 3, as QEMU's TCG does not) is one to
// the context's DSCR, which the next entry loads. True when the interrupt was such an
// instruction, now done, with the PC past it.
bool emulate_instruction(UserContext* context) {
  TrapFrame& frame = context->frame;
  if (frame.vector != VECTOR_PROGRAM ||
      (frame.srr1 & (SRR1_PROGRAM_ILLEGAL | SRR1_PROGRAM_PRIVILEGED)) == 0) {
    return false;
  }
  uint32_t insn;
  if (arch_copy_from_user(&insn, frame.srr0, sizeof(insn)).faulted) return false;
  const unsigned reg = (insn >> 21) & 31;
  const uint32_t dscr_op = insn & DSCR_INSN_MASK;
  if ((insn & MFSPR_PVR_MASK) == MFSPR_PVR) {
    frame.gpr[reg] = read_pvr();
  } else if ((insn & DCBA_MASK) == DCBA) {
    // Nothing to do.
  } else if (dscr_op == MFSPR_DSCR || dscr_op == MFSPR_DSCR_USER) {
    frame.gpr[reg] = context->dscr;
  } else if (dscr_op == MTSPR_DSCR || dscr_op == MTSPR_DSCR_USER) {
    context->dscr = frame.gpr[reg];
  } else {
    return false;
  }
  frame.srr0 += 4;
  return true;
}

// CR0's summary-overflow bit: Linux's error flag for a system call's result.
constexpr uint64_t CR0_SO = 0x1000'0000;
// CR0 whole (LT, GT, EQ, SO) and its EQ bit.
constexpr uint64_t CR0_FIELD = 0xf000'0000;
constexpr uint64_t CR0_EQ = 0x2000'0000;
constexpr int64_t MAX_ERRNO = 4095;
constexpr unsigned SYSCALL_ARGS = 6;
constexpr unsigned FIRST_ARG_GPR = 3;

void write_decrementer(uint64_t value) { asm volatile("mtspr %0, %1" ::"i"(SPRN_DEC), "r"(value)); }

uint64_t user_msr(const UserContext& context) {
  return USER_MSR | (context.used_vr ? MSR_VEC : 0) | (context.used_vsr ? MSR_VSX : 0);
}

// An interrupt that is one of Linux's system-call entries (system_call_common and
// system_call_vectored in arch/powerpc/kernel/interrupt_64.S, the latter for scv 0 and, as
// its SIGILL variant, the other levels).
bool system_call_entry(const TrapFrame& frame) {
  const uint64_t vector = trap_vector(frame);
  return vector == VECTOR_SYSTEM_CALL || vector == VECTOR_SCV || vector == TRAP_SCV_UNSUPPORTED;
}

// The program's first VMX or VSX instruction: records the use and returns true, so that the
// instruction runs again with the facility on (load_up_altivec; load_up_vsx, which turns VMX on
// too, and both set a VRSAVE of 0 to VRSAVE_VMX_ON). Any other interrupt, or one for a facility
// already on, is the program's.
bool first_vector_use(UserContext& context) {
  const bool vmx = context.frame.vector == VECTOR_VMX_UNAVAILABLE && !context.used_vr;
  const bool vsx = context.frame.vector == VECTOR_VSX_UNAVAILABLE && !context.used_vsr;
  if (!vmx && !vsx) return false;
  context.used_vr = true;
  context.used_vsr = context.used_vsr || vsx;
  if (context.vector.vrsave_quad[0] == 0) context.vector.vrsave_quad[0] = VRSAVE_VMX_ON;
  return true;
}

}  // namespace

Result<UserContext*> arch_user_context_create(uint64_t pc, uint64_t sp) {
  static_assert(sizeof(UserContext) <= PAGE_SIZE);
  const uint64_t page = TRY(physical_pages().alloc(1));
  auto* context = static_cast<UserContext*>(arch_phys_to_virt(page));
  klib::mem_set(context, 0, sizeof(*context));
  context->frame.srr0 = pc;
  context->frame.gpr[1] = sp;
  context->vector.set_vscr(NEW_PROGRAM_VSCR);
  context->ppr = powerpc::DEFAULT_PPR;
  return context;
}

// Power has no per-process secrets of this kind.
void arch_user_keys_init(UserContext*, uint64_t (*)()) {}

void arch_user_context_destroy(UserContext* context) {
  // Real mode: the pointer is the page's physical address.
  physical_pages().free(reinterpret_cast<uint64_t>(context), 1);
}

UserExit arch_user_run(UserContext* context) {
  // The entry saves DAR and DSISR at every interrupt; the pt_regs a core file and a signal frame
  // show keeps the last fault's unless this one records them (interrupt_record.h).
  const uint64_t dar = context->frame.dar, dsisr = context->frame.dsisr;
  // PPR (user_context.h): the system-call entries leave pt_regs.ppr as it was and their exits
  // set medium-low priority (HMT_MEDIUM_LOW); any other interrupt saves it and its return gives
  // it back. The entry loads context->ppr and every exit saves the program's into it.
  uint64_t ppr = context->ppr;
  if (system_call_entry(context->frame)) context->ppr = powerpc::DEFAULT_PPR;
  do {
    // Each decrementer write costs QEMU a timer update: a running slice is left alone, and one
    // that ends while the kernel runs (MSR.EE off) interrupts the next run at once.
    if (!g_slice_running) {
      write_decrementer(arch_counter_frequency() / USER_SLICES_PER_SECOND);
      g_slice_running = true;
    }
    powerpc_user_enter(context, user_msr(*context));
    if (!system_call_entry(context->frame)) ppr = context->ppr;
  } while (first_vector_use(*context));
  context->ppr = ppr;
  context->frame.orig_gpr3 = powerpc::orig_gpr3_at_entry(context->frame);
  context->frame.result = 0;
  powerpc::record_dar_dsisr(context->frame, dar, dsisr);
  UserExit exit{};
  switch (context->frame.vector) {
    case VECTOR_SYSTEM_CALL:
      // Linux's sc vector (arch/powerpc/kernel/exceptions-64s.S SYSTEM_CALL, with
      // CONFIG_KVM_BOOK3S_64_HANDLER as Debian builds it) runs KVMTEST's cmpwi before
      // system_call_common saves CR: every sc leaves CR0 = EQ (SO then set by the result alone),
      // in its return, its signal frames and its core. scv's vector compares nothing.
      context->frame.cr = (context->frame.cr & ~CR0_FIELD) | CR0_EQ;
      exit.kind = UserExitKind::SystemCall;
      break;
    case VECTOR_SCV:
      exit.kind = UserExitKind::SystemCall;
      break;
    case VECTOR_DECREMENTER:
      exit.kind = UserExitKind::Interrupt;
      arch_user_slice_end();
      break;
    default:
      // An emulated instruction leaves nothing to decode: the program goes on at its next
      // entry, as after an interrupt (which also keeps a program that repeats it preemptible).
      if (emulate_instruction(context)) {
        exit.kind = UserExitKind::Interrupt;
        break;
      }
      exit.kind = UserExitKind::Fault;
      exit.trap = powerpc_decode_trap(context->frame);
      break;
  }
  return exit;
}

// The frames copy the trap frame whole, DAR and DSISR included (arch_user_run keeps the last
// fault's): nothing more to keep.
void arch_user_fault_signalled(UserContext*, const TrapInfo&) {}

void arch_user_slice_end() {
  // The kernel uses no timer: a pending decrementer would only wait for the next user entry.
  write_decrementer(DEC_MAX);
  g_slice_running = false;
}

uint64_t arch_user_syscall_number(const UserContext* context) { return context->frame.gpr[0]; }

uint64_t arch_user_syscall_arg(const UserContext* context, unsigned index) {
  VERIFY(index < SYSCALL_ARGS);
  return context->frame.gpr[FIRST_ARG_GPR + index];
}

void arch_user_set_syscall_result(UserContext* context, int64_t value) {
  // Linux's system_call_common saves r9-r12, CTR and XER as zero (they are no arguments): no
  // signal frame and no return shows the program's values.
  for (unsigned r = 9; r <= 12; r++) context->frame.gpr[r] = 0;
  context->frame.ctr = 0;
  context->frame.xer = 0;
  context->frame.result = static_cast<uint64_t>(value);
  // scv returns -errno as it is and leaves CR alone (Documentation/arch/powerpc/
  // syscall64-abi.rst; syscall_exit_prepare sets SO only for sc).
  if (trap_vector(context->frame) == VECTOR_SCV) {
    context->frame.gpr[3] = static_cast<uint64_t>(value);
    return;
  }
  if (value < 0 && value >= -MAX_ERRNO) {
    context->frame.gpr[3] = static_cast<uint64_t>(-value);
    context->frame.cr |= CR0_SO;
  } else {
    context->frame.gpr[3] = static_cast<uint64_t>(value);
    context->frame.cr &= ~CR0_SO;
  }
}

void arch_user_syscall_return(UserContext* context) {
  // scv's exit restores r0 and r4-r8 as saved (XER then takes r0), sc's clears them
  // (arch/powerpc/kernel/interrupt_64.S .Lsyscall_vectored_common_exit, .Lsyscall_exit).
  if (trap_vector(context->frame) == VECTOR_SCV) return;
  context->frame.gpr[0] = 0;
  for (unsigned r = 4; r <= 8; r++) context->frame.gpr[r] = 0;
}

uint64_t arch_user_pc(const UserContext* context) { return context->frame.srr0; }
void arch_user_set_pc(UserContext* context, uint64_t pc) { context->frame.srr0 = pc; }
uint64_t arch_user_sp(const UserContext* context) { return context->frame.gpr[1]; }
void arch_user_set_sp(UserContext* context, uint64_t sp) { context->frame.gpr[1] = sp; }
void arch_user_set_register(UserContext* context, unsigned index, uint64_t value) {
  if (index < 32) context->frame.gpr[index] = value;
}
