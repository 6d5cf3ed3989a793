// Tiny user programs for the user-mode tests. Each lies between <name> and <name>_end, uses only
// relative branches, and is copied to the start of a user code page; the tests set up the
// registers it reads. Read-only data here: the kernel never runs them in place.

#include "arch/powerpc/asm.h"
#include "arch/powerpc/regs.h"
#include "arch/powerpc/tests/user_program_asm.h"

  .section .rodata.user_programs, "a"
  .balign 4

  // System call 42, then stores r3 and CR as the kernel left them at r4[0] and r4[1], system call
  // 43, and again from the start.
program user_syscalls
  li r0, 42
  sc
  std r3, 0(r4)
  mfcr r5
  std r5, 8(r4)
  li r0, 43
  sc
  b user_syscalls
end_program user_syscalls

  // Loads r5 from r3, then system call 1.
program user_load
  ld r5, 0(r3)
  li r0, 1
  sc
  b .
end_program user_load

  // A taken branch, then loads r5 from r3, then system call 1: the load's interrupt finds the
  // branch's address (USER_CODE) in CFAR.
program user_branch_then_load
  b 1f
  nop
1:
  ld r5, 0(r3)
  li r0, 1
  sc
  b .
end_program user_branch_then_load

  // Stores r5 to r3, then system call 1.
program user_store
  std r5, 0(r3)
  li r0, 1
  sc
  b .
end_program user_store

program user_spin
  b .
end_program user_spin

  // The all-zero word: an illegal instruction (Book I, "Instruction Classes").
program user_illegal
  .long 0
end_program user_illegal

  // mfmsr is privileged.
program user_privileged
  mfmsr r3
end_program user_privileged

program user_trap
  trap
end_program user_trap

  // System call with every register as the kernel set it, then every register flipped by
  // 0x5a5a, then system call again.
program user_registers
  sc
  .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
  xori \n, \n, 0x5a5a
  .endr
  .irp n, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
  xori \n, \n, 0x5a5a
  .endr
  sc
  b .
end_program user_registers

  // scv 0 (encoded by hand for LLVM 14) with system call 42, then stores what the kernel may
  // have changed at r14: r3, CR, LR, CTR, XER, r9-r12, r0, r4-r8 (doublewords 0-14); then
  // system call 43 by sc, and again from the start.
program user_scv
  li r0, 42
  .long 0x44000001
  std r3, 0(r14)
  mfcr r15
  std r15, 8(r14)
  mflr r15
  std r15, 16(r14)
  mfctr r15
  std r15, 24(r14)
  mfxer r15
  std r15, 32(r14)
  .irp n, 9, 10, 11, 12
  std \n, (40 + 8 * (\n - 9))(r14)
  .endr
  std r0, 72(r14)
  .irp n, 4, 5, 6, 7, 8
  std \n, (80 + 8 * (\n - 4))(r14)
  .endr
  li r0, 43
  sc
  b user_scv
end_program user_scv

  // scv 1, a level Linux serves with SIGILL.
program user_scv_level_1
  .long 0x44000021
end_program user_scv_level_1

  // Sets TAR from r5, system call 42, copies TAR to r5, system call 43, and again.
program user_tar
  mtspr SPRN_TAR, r5
  li r0, 42
  sc
  mfspr r5, SPRN_TAR
  li r0, 43
  sc
  b user_tar
end_program user_tar

// Lowers its priority with the or 1,1,1 nop (PPR[PRI] 2, low) and calls, reads PPR into r5,
// lowers it again and traps; then reads PPR into r6, lowers it once more and calls.
program user_ppr
  or 1, 1, 1
  li r0, 42
  sc
  mfspr r5, SPRN_PPR
  or 1, 1, 1
  trap
  mfspr r6, SPRN_PPR
  or 1, 1, 1
  li r0, 43
  sc
  b user_ppr
end_program user_ppr
