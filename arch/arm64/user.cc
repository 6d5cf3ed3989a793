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
#include "arch/arm64/mte.h"
#include "arch/arm64/pointer_auth.h"
#include "arch/arm64/regs.h"
#include "arch/arm64/sysreg.h"
#include "arch/arm64/trap_decode.h"
#include "arch/arm64/user_context.h"
#include "kernel/arch/mmu.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/placement_new.h"
#include "kernel/mm/physical_pages.h"

namespace arm64 {
namespace {

// The PSTATE bits a program may set for itself: the condition flags NZCV (SPSR_EL1 [31:28]),
// DIT (24) with FEAT_DIT and SSBS (12) with FEAT_SSBS (HWCAP_DIT, HWCAP_SSBS: EL0 writes them
// with MSR, and they stay the program's across every exception; RES0 without the feature), and
// with FEAT_BTI BTYPE ([11:10]), which an exception taken between a branch and its target must
// give back (and which a signal frame may set, as Linux's sigreturn keeps it).
// Everything else is the kernel's choice: EL0t (M = 0) with D, A, I and F clear, so interrupts
// reach the kernel while the program runs, as on Linux.
constexpr uint64_t SPSR_USER_FLAGS =
    (uint64_t{0xf} << 28) | (uint64_t{1} << 24) | (uint64_t{1} << 12) | (uint64_t{3} << 10);

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
      // An emulated MRS leaves nothing to decode: the program goes on at its next entry, as
      // after an interrupt (which also keeps a program that repeats it preemptible).
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
