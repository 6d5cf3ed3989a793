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

// Loads and stores of big-endian memory (firmware and hypervisor structures: Open Firmware
// client-interface cells and properties, RTAS arguments, text packed for H_PUT_TERM_CHAR) in
// either kernel byte order: the byte-reversed indexed forms on a little-endian kernel. `scratch`
// holds the displacement and is clobbered; the C++ side of the same rule is kernel/lib/big_endian.h.
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
.macro lwz_be rt, disp, ra, scratch
  li \scratch, \disp
  lwbrx \rt, \ra, \scratch
.endm
.macro stw_be rs, disp, ra, scratch
  li \scratch, \disp
  stwbrx \rs, \ra, \scratch
.endm
.macro ld_be rt, disp, ra, scratch
  li \scratch, \disp
  ldbrx \rt, \ra, \scratch
.endm
#else
.macro lwz_be rt, disp, ra, scratch
  lwz \rt, \disp(\ra)
.endm
.macro stw_be rs, disp, ra, scratch
  stw \rs, \disp(\ra)
.endm
.macro ld_be rt, disp, ra, scratch
  ld \rt, \disp(\ra)
.endm
#endif

// From big-endian to the kernel's byte order, where the processor runs big-endian: the kernel's
// entry (QEMU's Virtual Open Firmware enters in big-endian 32-bit mode) and the return from an
// Open Firmware call (the firmware runs big-endian). A little-endian kernel sets MSR.LE with rfid
// to the next instruction, so these words are big-endian encodings whatever the assembler emits
// (from llvm-mc --triple=powerpc64 -show-encoding); clobbers r11, r12 and LR, keeps the rest of
// the MSR (32-bit mode stays 32-bit mode). A big-endian kernel has nothing to do.
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
.macro be_word word
  .byte ((\word) >> 24) & 0xff, ((\word) >> 16) & 0xff, ((\word) >> 8) & 0xff, (\word) & 0xff
.endm
.macro enter_kernel_byte_order
  be_word 0x7d6000a6  // mfmsr r11
  be_word 0x616b0001  // ori r11, r11, MSR_LE
  be_word 0x429f0005  // bcl 20, 31, .+4: LR = the address of the next word
  be_word 0x7d8802a6  // mflr r12
  be_word 0x398c0014  // addi r12, r12, 20: just past the rfid
  be_word 0x7d9a03a6  // mtsrr0 r12
  be_word 0x7d7b03a6  // mtsrr1 r11
  be_word 0x4c000024  // rfid
.endm
#else
.macro enter_kernel_byte_order
.endm
#endif
