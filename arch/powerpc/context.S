// arch_setjmp / arch_longjmp for the ELFv2 ABI: the non-volatile state is r1, r2, r13-r31, LR and
// CR fields 2-4 (ELFv2 ABI, "Register Roles"). The kernel uses no FP or vector registers.
//
// JumpBuffer words: 0 r1, 1 r2, 2 LR, 3 CR, 4..22 r13..r31.

#include "arch/powerpc/asm.h"
#include "arch/powerpc/trap_frame.h"

#define JB_R1 0
#define JB_R2 8
#define JB_LR 16
#define JB_CR 24
#define JB_GPR(n) (32 + 8 * ((n) - 13))

  .text
  .globl arch_setjmp
  .type arch_setjmp, @function
arch_setjmp:
  std r1, JB_R1(r3)
  std r2, JB_R2(r3)
  mflr r0
  std r0, JB_LR(r3)
  mfcr r0
  std r0, JB_CR(r3)
  .irp n, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
  std \n, JB_GPR(\n)(r3)
  .endr
  li r3, 0
  blr
  .size arch_setjmp, . - arch_setjmp

  .globl arch_longjmp
  .type arch_longjmp, @function
arch_longjmp:
  // Leaving a trap handler this way ends that trap: the next one is not nested.
  lis r5, powerpc_trap_state@ha
  addi r5, r5, powerpc_trap_state@l
  li r0, 0
  stw r0, TS_DEPTH(r5)

  ld r1, JB_R1(r3)
  ld r2, JB_R2(r3)
  ld r0, JB_LR(r3)
  mtlr r0
  ld r0, JB_CR(r3)
  mtcrf 0x38, r0
  .irp n, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
  ld \n, JB_GPR(\n)(r3)
  .endr
  // setjmp must see a non-zero value.
  extsw. r3, r4
  bnelr
  li r3, 1
  blr
  .size arch_longjmp, . - arch_longjmp
