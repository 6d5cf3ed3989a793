// Register names and small macros for the assembly files: LLVM 14's assembler accepts only bare
// numbers (or %rN) for ELF powerpc, so name them as Linux's ppc_asm.h does. Assembly-only.
#pragma once

#ifndef __ASSEMBLY__
#error "arch/powerpc/asm.h is for assembly files"
#endif

#define r0 0
#define r1 1
#define r2 2
#define r3 3
#define r4 4
#define r5 5
#define r6 6
#define r7 7
#define r8 8
#define r9 9
#define r10 10
#define r11 11
#define r12 12
#define r13 13
#define r14 14
#define r15 15
#define r16 16
#define r17 17
#define r18 18
#define r19 19
#define r20 20
#define r21 21
#define r22 22
#define r23 23
#define r24 24
#define r25 25
#define r26 26
#define r27 27
#define r28 28
#define r29 29
#define r30 30
#define r31 31

// Assembler macros, which clang-format would join into one line: it stays off to the end.
// clang-format off

// reg = AMR_KUAP_BLOCKED (regs.h): lis sign-extends 0xc000 to 0xffffffffc0000000.
.macro load_kuap_blocked reg
  lis \reg, 0xc000
  sldi \reg, \reg, 32
.endm

// Loads an absolute kernel address: the kernel is linked below 2 GiB at its run address.
.macro load_address reg, symbol
  lis \reg, \symbol@ha
  addi \reg, \reg, \symbol@l
.endm
