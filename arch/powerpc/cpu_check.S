// The processor check, run by boot.S before any C++: the kernel is compiled for POWER9
// (-mcpu=power9) and uses the radix MMU, which older processors lack, so on those the first
// POWER9-only instruction would trap, and the trap code is C++ too. Everything on the way to
// the message and the stop is assembly using Power ISA 2.0x instructions only: the hcall
// console, the Open Firmware client interface (of_call_raw) and RTAS ibm,os-term through
// KVMPPC_H_RTAS, as trap_stop in vectors.S does. Their cells are big-endian (the *_be macros of
// asm.h); a little-endian kernel's ldbrx needs ISA 2.06 (POWER7), as little-endian itself does.
//
// void powerpc_check_cpu(uint64_t of_entry): returns on POWER9 or newer; otherwise prints
// "Maplet needs POWER9 or newer (radix MMU)" as a kernel log line and ends the run with a failed
// verdict.

#include "arch/powerpc/asm.h"
#include "arch/powerpc/little_endian_check.h"
#include "arch/powerpc/regs.h"

// PVR version field (the high 16 bits), as Linux's arch/powerpc/kernel/cpu_specs_book3s_64.h
// lists them: POWER9 is 0x004e; POWER10 0x0080 and Power11 0x0082 start the range IBM numbers
// its later server processors in. Older 64-bit processors are all below 0x004e (970 0x0039,
// POWER5+ 0x003b, POWER7 0x003f, POWER8 0x004d).
#define PVR_POWER9 0x004e
#define PVR_POWER10 0x0080
#define PVR_SERVER_LAST 0x00ff

#define OF_FAILURE -1

  .text
  .globl powerpc_check_cpu
  .type powerpc_check_cpu, @function
powerpc_check_cpu:
  mfpvr r4
  srwi r4, r4, 16
  cmplwi r4, PVR_POWER9
  beqlr
  cmplwi r4, PVR_POWER10
  blt unsupported
  cmplwi r4, PVR_SERVER_LAST
  blelr

unsupported:
  // Never returns: r28-r31 (kept by hcalls and by of_call_raw) carry state from here on.
  mr r31, r3

  // The message, 16 bytes per H_PUT_TERM_CHAR; the buffer is padded so that the last two
  // doubleword loads stay inside it.
  lis r30, cpu_check_message@ha
  addi r30, r30, cpu_check_message@l
  li r29, cpu_check_message_end - cpu_check_message
1:
  li r3, H_PUT_TERM_CHAR
  li r4, 0
  li r5, 16
  cmpwi r29, 16
  bge 2f
  mr r5, r29
2:
  ld_be r6, 0, r30, r0
  ld_be r7, 8, r30, r0
  sc 1
  addi r30, r30, 16
  addi r29, r29, -16
  cmpwi r29, 0
  bgt 1b

  // The ibm,os-term token from /rtas, or QEMU's fixed one (powerpc_rtas_os_term_token's initial
  // value) when the firmware does not give it.
  lis r28, powerpc_rtas_os_term_token@ha
  addi r28, r28, powerpc_rtas_os_term_token@l
  lwz r28, 0(r28)

  lis r3, cpu_check_of_args@ha
  addi r3, r3, cpu_check_of_args@l
  lis r4, cpu_check_finddevice@ha
  addi r4, r4, cpu_check_finddevice@l
  stw_be r4, 0, r3, r0
  li r4, 1
  stw_be r4, 4, r3, r0    // nargs
  stw_be r4, 8, r3, r0    // nret
  lis r4, cpu_check_rtas_path@ha
  addi r4, r4, cpu_check_rtas_path@l
  stw_be r4, 12, r3, r0
  mr r4, r31
  bl of_call_raw
  nop
  cmpdi r3, 0
  bne os_term
  lis r3, cpu_check_of_args@ha
  addi r3, r3, cpu_check_of_args@l
  lwz_be r5, 16, r3, r0    // the /rtas phandle
  cmpwi r5, 0
  beq os_term
  cmpwi r5, OF_FAILURE
  beq os_term

  lis r4, cpu_check_getprop@ha
  addi r4, r4, cpu_check_getprop@l
  stw_be r4, 0, r3, r0
  li r4, 4
  stw_be r4, 4, r3, r0    // nargs
  li r4, 1
  stw_be r4, 8, r3, r0    // nret
  stw_be r5, 12, r3, r0   // phandle
  lis r4, cpu_check_os_term_name@ha
  addi r4, r4, cpu_check_os_term_name@l
  stw_be r4, 16, r3, r0
  lis r4, cpu_check_token@ha
  addi r4, r4, cpu_check_token@l
  stw_be r4, 20, r3, r0   // buffer
  li r4, 4
  stw_be r4, 24, r3, r0   // buffer length
  mr r4, r31
  bl of_call_raw
  nop
  cmpdi r3, 0
  bne os_term
  lis r3, cpu_check_of_args@ha
  addi r3, r3, cpu_check_of_args@l
  lwz_be r4, 28, r3, r0    // the property's length
  cmpwi r4, 4
  bne os_term
  lis r4, cpu_check_token@ha
  addi r4, r4, cpu_check_token@l
  lwz_be r28, 0, r4, r0

os_term:
  // RTAS argument cells {token, nargs 1, nret 1, message address, status} (LoPAPR "RTAS Call
  // Interface"); QEMU ends the run as on a guest panic (-action panic=exit-failure: status 1).
  lis r4, cpu_check_rtas_args@ha
  addi r4, r4, cpu_check_rtas_args@l
  stw_be r28, 0, r4, r0
  li r5, 1
  stw_be r5, 4, r4, r0
  stw_be r5, 8, r4, r0
  lis r5, cpu_check_os_term_text@ha
  addi r5, r5, cpu_check_os_term_text@l
  stw_be r5, 12, r4, r0
  li r3, 0
  ori r3, r3, KVMPPC_H_RTAS
  sc 1
  // RTAS did not stop the machine: nothing else can.
3:
  b 3b
  .size powerpc_check_cpu, . - powerpc_check_cpu

  .section .rodata.cpu_check, "a"
  .balign 16
cpu_check_message:
  .ascii "\n~log ", CPU_CHECK_TEXT, "\n"
cpu_check_message_end:
  .balign 16
  .space 16
cpu_check_os_term_text:
  .ascii CPU_CHECK_TEXT, ": verdict FAIL\0"
cpu_check_finddevice:
  .asciz "finddevice"
cpu_check_getprop:
  .asciz "getprop"
cpu_check_rtas_path:
  .asciz "/rtas"
cpu_check_os_term_name:
  .asciz "ibm,os-term"

  .section .bss.cpu_check, "aw", @nobits
  .balign 8
cpu_check_of_args:
  .space 4 * 13
  .balign 8
cpu_check_rtas_args:
  .space 4 * 5
cpu_check_token:
  .space 4
