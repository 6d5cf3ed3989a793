// User mode (kernel/arch/user.h) on arm64: a program runs in EL0t with its registers from a
// UserContext (user_context.h) until an exception takes it back to EL1, which ends the run:
// SVC from AArch64 is a system call (ELR_EL1 is already past the SVC), an IRQ or FIQ an interrupt,
// an MRS of an ID register is emulated (id_register_emulation.h), anything else a fault decoded
// like the kernel's own exceptions. The virtual timer runs in time slices (kernel/arch/user.h,
// interrupts.h), so a program that never calls the kernel still ends its run as Interrupt. The
// system call convention is Linux's (arch/arm64/kernel/syscall.c): number in x8, arguments in
// x0-x5, result in x0.

#include "kernel/arch/user.h"

#include "arch/arm64/esr.h"
#include "arch/arm64/gic.h"
#include "arch/arm64/id_register_emulation.h"
#include "arch/arm64/interrupts.h"
#include "arch/arm64/kernel_map.h"
#include "arch/arm64/mops.h"
#include "arch/arm64/mte.h"
#include "arch/arm64/page_table.h"
#include "arch/arm64/pointer_auth.h"
#include "arch/arm64/regs.h"
#include "arch/arm64/sysreg.h"
#include "arch/arm64/trap_decode.h"
#include "arch/arm64/user_context.h"
#include "kernel/arch/mmu.h"
#include "kernel/arch/mte.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/placement_new.h"
#include "kernel/mm/physical_pages.h"

namespace arm64 {
namespace {

// The PSTATE bits a program may set for itself: the condition flags NZCV (SPSR_EL1 [31:28]),
// TCO (25) with FEAT_MTE, DIT (24) with FEAT_DIT and SSBS (12) with FEAT_SSBS (HWCAP_MTE,
// HWCAP_DIT, HWCAP_SSBS: EL0 writes them with MSR, and they stay the program's across every
// exception; RES0 without the feature), and
// with FEAT_BTI BTYPE ([11:10]), which an exception taken between a branch and its target must
// give back (and which a signal frame may set, as Linux's sigreturn keeps it).
// Everything else is the kernel's choice: EL0t (M = 0) with D, A, I and F clear, so interrupts
// reach the kernel while the program runs, as on Linux.
constexpr uint64_t SPSR_USER_FLAGS = (uint64_t{0xf} << 28) | (uint64_t{1} << 25) |
                                     (uint64_t{1} << 24) | (uint64_t{1} << 12) |
                                     (uint64_t{3} << 10);

// PSTATE.SSBS (SPSR_EL1 bit 12, FEAT_SSBS): speculative store bypass allowed. Linux 6.12's
// start_thread gives every new program this bit unless it asked for the Spectre-v4 mitigation
// (arch/arm64/kernel/proton-pack.c spectre_v4_enable_task_mitigation: TIF_SSBD under the default
// dynamic policy, set only by PR_SET_SPECULATION_CTRL, which Maplet does not implement). Without
// FEAT_SSBS the bit is RES0 and the program starts without it.
constexpr uint64_t SPSR_SSBS = uint64_t{1} << 12;

constexpr unsigned SYSCALL_NUMBER_REGISTER = 8;
constexpr unsigned SYSCALL_ARGUMENTS = 6;

bool has_mte() {
  return field(ARM64_READ_SYSREG(id_aa64pfr1_el1), ID_AA64PFR1_MTE_SHIFT, ID_AA64PFR1_MTE_WIDTH) !=
         0;
}

bool has_ssbs() {
  return field(ARM64_READ_SYSREG(id_aa64pfr1_el1), ID_AA64PFR1_SSBS_SHIFT,
               ID_AA64PFR1_SSBS_WIDTH) != 0;
}

// Whether the abort's status code is one Linux's fault_info table sends to set_thread_esr
// (do_translation_fault, do_page_fault, do_tag_check_fault, do_alignment_fault); the others
// (external aborts, address size faults, ...) go to arm64_notify_die.
bool fsc_sets_thread_esr(uint32_t fsc) {
  const uint32_t kind = fsc & ~3u;
  return kind == FSC_TRANSLATION || kind == FSC_ACCESS_FLAG || kind == FSC_PERMISSION ||
         fsc == FSC_TAG_CHECK || fsc == FSC_ALIGNMENT;
}

// set_thread_esr: the untagged fault address; for one no program can map (at or above TASK_SIZE,
// which follows the user VA size: is_ttbr0_addr), the ESR of a level 0 translation fault that
// keeps only what the program knows already: the class and IL, and for a data abort CM and WnR.
FaultRecord abort_record(uint64_t far, uint64_t esr) {
  const uint64_t address = arch_untagged_addr(far);
  if (address < user_va_limit()) return FaultRecord{address, esr};
  uint64_t kept = (ESR_EC_MASK << ESR_EC_SHIFT) | (uint64_t{1} << ESR_IL_BIT);
  if (esr_ec(esr) == EC_DABT_LOWER)
    kept |= (uint64_t{1} << ESR_CM_BIT) | (uint64_t{1} << ESR_WNR_BIT);
  return FaultRecord{address, (esr & kept) | FSC_TRANSLATION};
}

}  // namespace
}  // namespace arm64

// One page per context, which also leaves room for the FP/SIMD registers.
static_assert(sizeof(UserContext) <= PAGE_SIZE);

Result<UserContext*> arch_user_context_create(uint64_t pc, uint64_t sp) {
  const uint64_t page = TRY(physical_pages().alloc(1));
  auto* context = new (arch_phys_to_virt(page)) UserContext{};
  context->frame.elr = pc;
  context->frame.sp = sp;
  if (arm64::has_ssbs()) context->frame.spsr = arm64::SPSR_SSBS;
  return context;
}

void arch_user_context_destroy(UserContext* context) {
  VERIFY(context != nullptr);
  physical_pages().free(arm64::kernel_pa(context), 1);
}

UserExit arch_user_run(UserContext* context) {
  using namespace arm64;
  context->frame.spsr &= SPSR_USER_FLAGS;
  // Taking the exception back sets PSTATE.TCO (with FEAT_MTE); the kernel's own value returns
  // with the run.
  const bool mte = has_mte();
  const uint64_t tco = mte ? ARM64_READ_SYSREG(tco) : 0;
  mte_enter_user(context->mte);
  pac_load_keys(context->pac);
  user_slice_continue();
  arm64_user_enter(context);
  const unsigned slot = static_cast<unsigned>(context->slot);
  // The timer's interrupt ends the slice (interrupt_take stops the timer); any other exit
  // leaves it running.
  if (vector_kind(slot) == VectorKind::Irq) (void)interrupt_take();
  if (mte) ARM64_WRITE_SYSREG(tco, tco);

  UserExit exit{};
  exit.async_tag_fault = mte_take_user_async_fault();
  switch (vector_kind(slot)) {
    case VectorKind::Irq:
    case VectorKind::Fiq:
      exit.kind = UserExitKind::Interrupt;
      return exit;
    case VectorKind::Synchronous:
      if (esr_ec(context->frame.esr) == EC_SVC64) {
        exit.kind = UserExitKind::SystemCall;
        return exit;
      }
      // An emulated MRS and a MOPS sequence rewound to its prologue leave nothing to decode:
      // the program goes on at its next entry, as after an interrupt (which also keeps a
      // program that repeats it preemptible).
      if (esr_ec(context->frame.esr) == EC_MOPS) {
        mops_reset_registers(context->frame, context->frame.esr);
        exit.kind = UserExitKind::Interrupt;
        return exit;
      }
      if (emulate_user_id_register_read(*context)) {
        exit.kind = UserExitKind::Interrupt;
        return exit;
      }
      break;
    case VectorKind::SError:
      break;
  }
  exit.kind = UserExitKind::Fault;
  exit.trap = decode_exception(context->frame, slot);
  return exit;
}

// What each of Linux's EL0 exception handlers records (arch/arm64/kernel/entry-common.c
// el0t_64_sync_handler and the handlers it calls) before the signal it forces.
void arch_user_fault_signalled(UserContext* context, const TrapInfo& trap) {
  using namespace arm64;
  const uint64_t esr = trap.syndrome;
  switch (esr_ec(esr)) {
    case EC_DABT_LOWER:
    case EC_IABT_LOWER:
      context->fault = fsc_sets_thread_esr(esr_fsc(esr)) ? abort_record(context->frame.far, esr)
                                                         : FaultRecord{0, esr};
      return;
    case EC_BRK64:
    case EC_BREAKPOINT_LOWER:
    case EC_STEP_LOWER:
    case EC_WATCHPOINT_LOWER:
      // send_user_sigtrap and the ptrace breakpoints force SIGTRAP and record nothing: the
      // frame shows the fault before.
      return;
    case EC_UNKNOWN:
    case EC_BTI:
    case EC_SYSREG:
    case EC_FP_ACCESS:
    case EC_SVE:
    case EC_SME:
      // force_signal_inject(SIGILL, ILL_ILLOPC, pc, 0): an address and ESR of 0, no esr_context.
      context->fault = FaultRecord{};
      return;
    default:
      // arm64_notify_die with the ESR (do_sp_pc_abort for PC and SP alignment, do_el0_fpac)
      // and bad_el0_sync for a class Linux has no handler for: no address.
      context->fault = FaultRecord{0, esr};
      return;
  }
}

void arch_user_slice_end() {
  using namespace arm64;
  user_slice_stop();
  // A slice that ran out while the kernel ran (interrupts masked) left its interrupt pending, and
  // QEMU's GICv2 keeps a level-sensitive interrupt pending after its line drops: it would end the
  // next run at once. Taken here (spurious when there is none).
  const uint32_t intid = gic_acknowledge();
  if (intid < GIC_FIRST_SPECIAL) gic_end(intid);
}

uint64_t arch_user_syscall_number(const UserContext* context) {
  return context->frame.x[arm64::SYSCALL_NUMBER_REGISTER];
}

uint64_t arch_user_syscall_arg(const UserContext* context, unsigned index) {
  VERIFY(index < arm64::SYSCALL_ARGUMENTS);
  return context->frame.x[index];
}

void arch_user_set_syscall_result(UserContext* context, int64_t value) {
  context->frame.x[0] = static_cast<uint64_t>(value);
}

void arch_user_syscall_return(UserContext*) {}

uint64_t arch_user_pc(const UserContext* context) { return context->frame.elr; }
void arch_user_set_pc(UserContext* context, uint64_t pc) { context->frame.elr = pc; }
uint64_t arch_user_sp(const UserContext* context) { return context->frame.sp; }
void arch_user_set_sp(UserContext* context, uint64_t sp) { context->frame.sp = sp; }
void arch_user_set_register(UserContext* context, unsigned index, uint64_t value) {
  if (index < 31) context->frame.x[index] = value;
}
