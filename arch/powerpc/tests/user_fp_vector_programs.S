// User programs for the FP/VMX/VSX state tests (user_fp_vector.cc), in the form of
// user_programs.S, and one kernel-side probe. Register operands of FP, vector and VSX instructions
// are bare numbers: f0 and v0 are VSR 0 and VSR 32 (Power ISA v3.0B Book I, "Vector-Scalar
// Registers"). Each program takes r3 = the data page, laid out as the IN_ and OUT_ offsets below say.

#include "arch/powerpc/asm.h"
#include "arch/powerpc/regs.h"
#include "arch/powerpc/tests/user_program_asm.h"

// The data page (bytes): what a program loads, then what it stores.
#define IN_VSR 0
#define IN_FPSCR 1024
#define IN_VSCR 1040
#define OUT_VSR 2048
#define OUT_FPSCR 3072
#define OUT_VSCR 3088
#define OUT_VRSAVE 3104

// clang-format off

// FPSCR (through f0) and VSCR (through v0) from the data page, VRSAVE from r5, then all 64 VSRs.
.macro load_all
  lfd 0, IN_FPSCR(r3)
  mtfsf 0xff, 0, 1, 0
  li r4, IN_VSCR
  lvx 0, r3, r4
  mtvscr 0
  mtspr SPRN_VRSAVE, r5
  .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63
  li r4, IN_VSR + 16 * \n
  lxvd2x \n, r3, r4
  .endr
.endm

// All 64 VSRs, then FPSCR (through f0), VSCR (through v0) and VRSAVE, to the data page.
.macro store_all
  .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63
  li r4, OUT_VSR + 16 * \n
  stxvd2x \n, r3, r4
  .endr
  mffs 0
  stfd 0, OUT_FPSCR(r3)
  mfvscr 0
  li r4, OUT_VSCR
  stvx 0, r3, r4
  mfspr r5, SPRN_VRSAVE
  stw r5, OUT_VRSAVE(r3)
.endm

  .section .rodata.user_programs, "a"
  .balign 4

  // Loads everything, system call 1, stores everything, system call 2.
program user_fp_load_call_store
  load_all
  li r0, 1
  sc
  store_all
  li r0, 2
  sc
  b .
end_program user_fp_load_call_store

  // Stores everything as the program found it, system call 1.
program user_fp_store
  store_all
  li r0, 1
  sc
  b .
end_program user_fp_store

  // Loads everything and spins until the decrementer takes it back.
program user_fp_spin
  load_all
  b .
end_program user_fp_spin

  // FP: f0 = f1 / f2, f3 = f1 + f4. VMX: v5 = v6 + v7 by words, modulo 2^32. VSX: vs8 = vs9 + vs10
  // in both doublewords. Then system call 1.
program user_fp_compute
  fdiv 0, 1, 2
  fadd 3, 1, 4
  vadduwm 5, 6, 7
  xvadddp 8, 9, 10
  li r0, 1
  sc
  b .
end_program user_fp_compute

  // One FP, one VMX and one VSX instruction, each between system calls 1, 2 and 3 (registers
  // unchanged: each is an OR of a register with itself).
program user_fp_vector_uses
  fmr 0, 0
  li r0, 1
  sc
  vor 0, 0, 0
  li r0, 2
  sc
  xxlor 0, 0, 0
  li r0, 3
  sc
  b .
end_program user_fp_vector_uses

  .text
  // An FP instruction in the kernel, which runs with MSR.FP off: FP unavailable (0x800).
  .globl powerpc_probe_fp, powerpc_probe_fp_instruction
  .type powerpc_probe_fp, @function
powerpc_probe_fp:
powerpc_probe_fp_instruction:
  fadd 0, 0, 0
  blr
  .size powerpc_probe_fp, . - powerpc_probe_fp
