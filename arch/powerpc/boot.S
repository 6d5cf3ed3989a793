// Kernel entry. QEMU's Virtual Open Firmware enters at the load address (0x400000) in
// big-endian 32-bit real mode with MSR = 0 and r5 = the Open Firmware client-interface entry,
// whatever the kernel's byte order. This file switches to the kernel's byte order, makes a 64-bit
// ELFv2 C++ environment, checks the processor (cpu_check.S) and hands over to powerpc_boot().
// Everything here runs on pre-POWER9 processors too; a little-endian kernel first stops on one
// without a little-endian mode (little_endian_check.h).

#include "arch/powerpc/asm.h"
#include "arch/powerpc/little_endian_check.h"
#include "arch/powerpc/regs.h"

#define BOOT_STACK_SIZE 0x10000

  .section .text.boot, "ax"
  .globl _start
  .type _start, @function
_start:
  enter_kernel_byte_order
  stop_unless_little_endian
  clrldi r31, r5, 32

  // 64-bit mode, machine checks on, interrupts recoverable (Book III, "Machine State Register").
  mfmsr r11
  li r12, 1
  sldi r12, r12, MSR_SF_SHIFT
  or r11, r11, r12
  ori r11, r11, MSR_ME | MSR_RI
  // FP, VMX and VSX off, whatever the firmware left: the kernel's MSR never has them, and only
  // the user entry and exit code turns them on (user_context.h).
  li r12, MSR_FP
  andc r11, r11, r12
  lis r12, (MSR_VEC | MSR_VSX) >> 16
  andc r11, r11, r12
  mtmsrd r11
  isync

  lis r2, .TOC.@ha
  addi r2, r2, .TOC.@l

  // The boot stack lives in BSS, so clear BSS before using it. Both ends are 16-byte aligned.
  lis r3, __bss_start@ha
  addi r3, r3, __bss_start@l
  lis r4, __bss_end@ha
  addi r4, r4, __bss_end@l
  li r0, 0
1:
  cmpld r3, r4
  bge 2f
  std r0, 0(r3)
  std r0, 8(r3)
  addi r3, r3, 16
  b 1b
2:
  lis r1, boot_stack_top@ha
  addi r1, r1, boot_stack_top@l
  stdu r0, -32(r1)

  // Before any C++, which is compiled for POWER9: stops the run on an older processor.
  mr r3, r31
  bl powerpc_check_cpu
  nop

  mr r3, r31
  bl powerpc_boot
  nop
  // powerpc_boot does not return; stop here rather than run into whatever follows.
3:
  b 3b
  .size _start, . - _start

  .section .bss.boot_stack, "aw", @nobits
  .balign 16
boot_stack:
  .space BOOT_STACK_SIZE
boot_stack_top:
