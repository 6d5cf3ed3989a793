// Running a user program: problem state with relocation and external interrupts on, the
// decrementer armed for one time slice, and every interrupt from the program turned into a
// UserExit (Power ISA v3.0B Book III, "Interrupts"; Linux's syscall convention from
// arch/powerpc/kernel/syscall.c and interrupt_64.S).

#include "kernel/arch/user.h"

#include "arch/powerpc/regs.h"
#include "arch/powerpc/user_context.h"
#include "kernel/arch/mmu.h"
#include "kernel/arch/timer.h"
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
// it); FP, VMX and VSX available, with FP exceptions disabled (FE0 = FE1 = 0; user_context.h).
// (rfid turns EE, IR and DR on anyway when it sets PR: Book III, "Return From Interrupt
// Doubleword".)
constexpr uint64_t USER_MSR = (uint64_t{1} << MSR_SF_SHIFT) | MSR_VEC | MSR_VSX | MSR_EE | MSR_PR |
                              MSR_FP | MSR_ME | MSR_IR | MSR_DR | MSR_RI |
                              (NATIVE_BYTE_ORDER == ByteOrder::Little ? MSR_LE : 0);

// Linux's VSCR for a new program: NJ (non-Java mode), the rest zero.
constexpr uint32_t VSCR_NJ = 0x0001'0000;

// A program that keeps the CPU is interrupted after this share of a second.
constexpr uint64_t SLICES_PER_SECOND = 100;

// Vector offsets (Book III, "Interrupt Definitions").
constexpr uint64_t VECTOR_DECREMENTER = 0x900;
constexpr uint64_t VECTOR_SYSTEM_CALL = 0xc00;

// CR0's summary-overflow bit: Linux's error flag for a system call's result.
constexpr uint64_t CR0_SO = 0x1000'0000;
constexpr int64_t MAX_ERRNO = 4095;
constexpr unsigned SYSCALL_ARGS = 6;
constexpr unsigned FIRST_ARG_GPR = 3;

void write_decrementer(uint64_t value) { asm volatile("mtspr %0, %1" ::"i"(SPRN_DEC), "r"(value)); }

}  // namespace

Result<UserContext*> arch_user_context_create(uint64_t pc, uint64_t sp) {
  static_assert(sizeof(UserContext) <= PAGE_SIZE);
  const uint64_t page = TRY(physical_pages().alloc(1));
  auto* context = static_cast<UserContext*>(arch_phys_to_virt(page));
  klib::mem_set(context, 0, sizeof(*context));
  context->frame.srr0 = pc;
  context->frame.gpr[1] = sp;
  context->vector.set_vscr(VSCR_NJ);
  return context;
}

void arch_user_context_destroy(UserContext* context) {
  // Real mode: the pointer is the page's physical address.
  physical_pages().free(reinterpret_cast<uint64_t>(context), 1);
}

UserExit arch_user_run(UserContext* context) {
  write_decrementer(arch_counter_frequency() / SLICES_PER_SECOND);
  powerpc_user_enter(context, USER_MSR);
  // The kernel uses no timer: a pending decrementer would only wait for the next user entry.
  write_decrementer(DEC_MAX);
  UserExit exit{};
  switch (context->frame.vector) {
    case VECTOR_SYSTEM_CALL:
      exit.kind = UserExitKind::SystemCall;
      break;
    case VECTOR_DECREMENTER:
      exit.kind = UserExitKind::Interrupt;
      break;
    default:
      exit.kind = UserExitKind::Fault;
      exit.trap = powerpc_decode_trap(context->frame);
      break;
  }
  return exit;
}

uint64_t arch_user_syscall_number(const UserContext* context) { return context->frame.gpr[0]; }

uint64_t arch_user_syscall_arg(const UserContext* context, unsigned index) {
  VERIFY(index < SYSCALL_ARGS);
  return context->frame.gpr[FIRST_ARG_GPR + index];
}

void arch_user_set_syscall_result(UserContext* context, int64_t value) {
  if (value < 0 && value >= -MAX_ERRNO) {
    context->frame.gpr[3] = static_cast<uint64_t>(-value);
    context->frame.cr |= CR0_SO;
  } else {
    context->frame.gpr[3] = static_cast<uint64_t>(value);
    context->frame.cr &= ~CR0_SO;
  }
}

uint64_t arch_user_pc(const UserContext* context) { return context->frame.srr0; }
void arch_user_set_pc(UserContext* context, uint64_t pc) { context->frame.srr0 = pc; }
uint64_t arch_user_sp(const UserContext* context) { return context->frame.gpr[1]; }
void arch_user_set_sp(UserContext* context, uint64_t sp) { context->frame.gpr[1] = sp; }
void arch_user_set_register(UserContext* context, unsigned index, uint64_t value) {
  if (index < 32) context->frame.gpr[index] = value;
}
