// Entering problem state and coming back (Power ISA v3.0B Book III, "Interrupts" and "rfid").
//
// powerpc_user_enter(context, msr) keeps the kernel's callee-saved registers in the context,
// loads every program register from it and leaves with rfid, or with rfscv from an scv system
// call. Any interrupt from problem state reaches powerpc_user_trap through the common trap entry
// (vectors.S), and scv reaches powerpc_scv_entry through its own vectors; both save every program
// register into the same context and return from powerpc_user_enter as if from a call. The
// vectors run in real mode and the kernel has one CPU, so the context running now is found
// through the global powerpc_user_current rather than a special register: all four SPRGs are
// already the entry's scratch space. The program's FP, VMX and VSX registers are loaded and
// saved here too, the only kernel code that runs with MSR.FP, VEC and VSX on (user_context.h).

#include "arch/powerpc/asm.h"
#include "arch/powerpc/regs.h"
#include "arch/powerpc/user_context.h"

// clang-format off
#define VSR_NUMBERS 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, \
  22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, \
  46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63
// clang-format on

// Loads the context running now (powerpc_user_current) into `reg`; an interrupt that finds none
// came from problem state while no program was entered, and stops the machine.
.macro load_user_current_or_stop reg
  load_address \reg, powerpc_user_current
  ld \reg, 0(\reg)
  cmpdi \reg, 0
  bne 1f
  b powerpc_trap_stop
1:
.endm

// Loads every GPR of the context at r3 from its frame, r3 last.
.macro load_user_gprs
  .irp n, 0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12
  ld \n, TF_GPR(\n)(r3)
  .endr
  .irp n, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
  ld \n, TF_GPR(\n)(r3)
  .endr
  ld r3, TF_GPR(3)(r3)
.endm

// MSR = reg | FP | VEC | VSX, synchronised before the next FP, vector or VSX instruction.
.macro enable_fp_vector reg
  ori \reg, \reg, MSR_FP
  oris \reg, \reg, (MSR_VEC | MSR_VSX) >> 16
  mtmsrd \reg
  isync
.endm

  .text
  .globl powerpc_user_enter
  .type powerpc_user_enter, @function
powerpc_user_enter:
  mflr r0
  std r0, UC_KERNEL_LR(r3)
  mfcr r0
  std r0, UC_KERNEL_CR(r3)
  std r1, UC_KERNEL_R1(r3)
  std r2, UC_KERNEL_R2(r3)
  .irp n, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
  std \n, UC_KERNEL_GPR(\n)(r3)
  .endr
  load_address r5, powerpc_user_current
  std r3, 0(r5)

  // FPSCR goes through f0 and VSCR through v0 (VSR 32) before every VSR is loaded over them.
  mfmsr r5
  enable_fp_vector r5
  lfd 0, UC_FPSCR(r3)
  mtfsf 0xff, 0, 1, 0
  li r5, UC_VSCR
  lvx 0, r3, r5
  mtvscr 0
  lwz r5, UC_VRSAVE(r3)
  mtspr SPRN_VRSAVE, r5
  ld r5, UC_TAR(r3)
  mtspr SPRN_TAR, r5
  ld r5, UC_DSCR(r3)
  mtspr SPRN_DSCR, r5
  ld r5, UC_PPR(r3)
  mtspr SPRN_PPR, r5
  .irp n, VSR_NUMBERS
  li r5, UC_VSR + 16 * \n
  lxvd2x \n, r3, r5
  .endr

  // From here SRR0/SRR1 (or LR/CTR) hold the program's PC and MSR, which an interrupt would
  // overwrite: say so with MSR.RI = 0 (EE is already off in the kernel).
  li r0, 0
  mtmsrd r0, 1
  // The program's AMR: no key restricted (it has none); rfid and rfscv synchronise it.
  mtspr SPRN_AMR, r0
  lbz r0, UC_SCV_RETURN(r3)
  cmpdi cr1, r0, 0
  bne cr1, scv_return
  ld r0, TF_SRR0(r3)
  mtspr SPRN_SRR0, r0
  mtspr SPRN_SRR1, r4
  ld r0, TF_LR(r3)
  mtlr r0
  ld r0, TF_CTR(r3)
  mtctr r0
  ld r0, TF_XER(r3)
  mtxer r0
  ld r0, TF_CR(r3)
  mtcr r0
  load_user_gprs
  rfid

scv_return:
  // The return of an scv system call that nothing since has rewritten as a whole (Linux's
  // system_call_vectored exit without _TIF_RESTOREALL): rfscv goes to LR with MSR = CTR, which
  // the program keeps, and XER is left holding r0, the system call's number, as Linux leaves it.
  // The frame's LR, CTR and XER are not used: they are what Linux records of the call.
  ld r0, TF_SRR0(r3)
  mtlr r0
  mtctr r4
  ld r0, TF_GPR(0)(r3)
  mtxer r0
  ld r0, TF_CR(r3)
  mtcr r0
  load_user_gprs
  .long 0x4c0000a4  // rfscv, which LLVM 14 does not know
  .size powerpc_user_enter, . - powerpc_user_enter

  // Reached from powerpc_trap_entry with r10 = the program's CR, r12 = the vector offset, and
  // the program's r11, r12, CTR and r10 in SPRG0, SPRG1, SPRG2 and SPRG3.
  .globl powerpc_user_trap
  .type powerpc_user_trap, @function
powerpc_user_trap:
  load_user_current_or_stop r11
  std r10, TF_CR(r11)
  save_trap_gprs r11
  save_trap_sprs r11
  li r10, 0
  stb r10, UC_SCV_RETURN(r11)
  b user_exit_save_state
  .size powerpc_user_trap, . - powerpc_user_trap

  // Reached from the scv vectors (vectors.S) in real mode with EE off, r12 = TRAP_SCV or
  // TRAP_SCV_UNSUPPORTED, LR = the program's next instruction, and its r12, r11, r10 and MSR in
  // SPRG1, SPRG0, SPRG3 and SPRG2. The frame records what Linux's system_call_vectored puts in
  // pt_regs, which a signal frame and a core file then show: the link register and the NIP are
  // both the next instruction, CTR, XER and r9-r12 are 0 (the scv ABI gives them up).
  .globl powerpc_scv_entry
  .type powerpc_scv_entry, @function
powerpc_scv_entry:
  mfcr r10
  load_user_current_or_stop r11
  std r10, TF_CR(r11)
  .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8
  std \n, TF_GPR(\n)(r11)
  .endr
  .irp n, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
  std \n, TF_GPR(\n)(r11)
  .endr
  li r10, 0
  .irp n, 9, 10, 11, 12
  std r10, TF_GPR(\n)(r11)
  .endr
  std r10, TF_CTR(r11)
  std r10, TF_XER(r11)
  std r10, TF_DAR(r11)
  std r10, TF_DSISR(r11)
  std r10, TF_CFAR(r11)
  std r12, TF_VECTOR(r11)
  mflr r10
  std r10, TF_LR(r11)
  std r10, TF_SRR0(r11)
  mfspr r10, SPRN_SPRG2
  std r10, TF_SRR1(r11)
  mfmsr r10
  std r10, TF_MSR(r11)
  li r10, 1
  stb r10, UC_SCV_RETURN(r11)
  .size powerpc_scv_entry, . - powerpc_scv_entry

  // Both exits from problem state, with the frame saved into the context at r11: the rest of the
  // program's state, then back into powerpc_user_enter's caller.
  .type user_exit_save_state, @function
user_exit_save_state:
  // The interrupt turned FP, VEC and VSX off, not the registers' contents: every VSR first, then
  // FPSCR through f0 and VSCR through v0. The kernel's MSR below turns them off again.
  mfmsr r10
  enable_fp_vector r10
  .irp n, VSR_NUMBERS
  li r12, UC_VSR + 16 * \n
  stxvd2x \n, r11, r12
  .endr
  mffs 0
  stfd 0, UC_FPSCR(r11)
  mfvscr 0
  li r12, UC_VSCR
  stvx 0, r11, r12
  mfspr r10, SPRN_VRSAVE
  stw r10, UC_VRSAVE(r11)
  mfspr r10, SPRN_TAR
  std r10, UC_TAR(r11)
  mfspr r10, SPRN_DSCR
  std r10, UC_DSCR(r11)
  mfspr r10, SPRN_PPR
  std r10, UC_PPR(r11)

  li r10, 0
  load_address r12, powerpc_user_current
  std r10, 0(r12)

  // Back into powerpc_user_enter's caller with the kernel's registers, AMR and MSR.
  load_kuap_blocked r10
  mtspr SPRN_AMR, r10
  ld r1, UC_KERNEL_R1(r11)
  ld r2, UC_KERNEL_R2(r11)
  ld r0, UC_KERNEL_LR(r11)
  mtlr r0
  ld r0, UC_KERNEL_CR(r11)
  mtcr r0
  .irp n, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
  ld \n, UC_KERNEL_GPR(\n)(r11)
  .endr
  load_address r10, powerpc_kernel_msr
  ld r10, 0(r10)
  mtmsrd r10
  isync
  blr
  .size user_exit_save_state, . - user_exit_save_state
