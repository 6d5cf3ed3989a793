// Interrupt vectors (Power ISA v3.0B Book III, "Interrupt Definitions") and the common trap entry.
//
// The vector image is position independent: traps_install() copies it to 0x100..0x1000, where
// the processor delivers interrupts in real mode with MSR.SF = 1 (AIL = 0). Every 32-byte slot
// gets a stub, so even an offset the kernel does not expect is reported with its number.
// A stub saves r12 and CTR in SPRG1/SPRG2 and jumps to powerpc_trap_entry with r12 = vector and
// CTR = CFAR, which sends interrupts from problem state to the user exit and the rest to the
// kernel's decoder.

#include "arch/powerpc/asm.h"
#include "arch/powerpc/regs.h"
#include "arch/powerpc/trap_frame.h"

#define TRAP_STACK_SIZE 0x4000
#define NESTED_STACK_SIZE 0x2000

// CFAR is read before the stub's branch, the first one since the interrupt, would replace it
// with the stub's own address (Book III, "Come-From Address Register"); the entry saves it as
// the frame's cfar. The branch is absolute, so the copied image needs no register for it: ba's
// 24-bit word address, here as an I-form word because ld.lld does not resolve R_PPC64_ADDR24
// (the linker script asserts that powerpc_trap_entry lies below 32 MiB, where it fits).
#define BA_OPCODE 0x48000002  // b with AA = 1, LK = 0 (Book I, "Branch")
.macro vector_stub offset
  mtspr SPRN_SPRG1, r12
  mfctr r12
  mtspr SPRN_SPRG2, r12
  mfspr r12, SPRN_CFAR
  mtctr r12
  li r12, \offset
  .long BA_OPCODE + powerpc_trap_entry
  .balign VECTOR_SLOT, 0
.endm

  .section .text.vectors, "ax"
  .balign 128
  .globl powerpc_vectors_start, powerpc_vectors_end
powerpc_vectors_start:
  .set offset, VECTORS_START
  .rept (VECTORS_END - VECTORS_START) / VECTOR_SLOT
  vector_stub offset
  .set offset, offset + VECTOR_SLOT
  .endr
powerpc_vectors_end:

// The scv vectors: traps_install copies this image to SCV_VECTORS_START. scv changes neither
// SRR0/SRR1 nor MSR.EE: it enters with LR = the next instruction, CTR = the program's MSR and
// external and decrementer interrupts still on (Book III, "System Call Vectored Interrupt"), so
// the first thing each level does is turn EE off. A decrementer interrupt can come before that
// (kernel_decrementer below). Level 0 is a system call, every other level Linux's unsupported
// one; both reach powerpc_scv_entry (user_entry.S) with r12 = the vector number, the program's
// r12, r11, r10 and MSR in SPRG1, SPRG0, SPRG3 and SPRG2, LR and CTR as scv left them.
.macro scv_level trap
  mtspr SPRN_SPRG1, r12
  li r12, 0
  mtmsrd r12, 1
  li r12, \trap
  .if \trap == TRAP_SCV_UNSUPPORTED
  li r0, -1  // as Linux's vector does: the number the recorded registers show
  .endif
  b scv_common
  .balign VECTOR_SLOT, 0
.endm

  .balign 128
  .globl powerpc_scv_vectors_start, powerpc_scv_vectors_end
powerpc_scv_vectors_start:
  scv_level TRAP_SCV
  .rept SCV_LEVELS - 1
  scv_level TRAP_SCV_UNSUPPORTED
  .endr
scv_common:
  mtspr SPRN_SPRG0, r11
  mtspr SPRN_SPRG3, r10
  mfctr r11
  mtspr SPRN_SPRG2, r11
  lis r11, powerpc_scv_entry@h
  ori r11, r11, powerpc_scv_entry@l
  mtctr r11
  bctr
powerpc_scv_vectors_end:

  .text
  .globl powerpc_trap_entry
  .type powerpc_trap_entry, @function
powerpc_trap_entry:
  mtspr SPRN_SPRG0, r11
  mtspr SPRN_SPRG3, r10
  mfcr r10
  // From problem state: the program's registers go to its UserContext (user_entry.S).
  mfspr r11, SPRN_SRR1
  andi. r11, r11, MSR_PR
  beq 1f
  b powerpc_user_trap
1:
  cmpwi r12, 0x900
  beq kernel_decrementer
  load_address r11, powerpc_trap_state
  stw r10, TS_CR_SCRATCH(r11)
  // A data storage or segment interrupt at an access of the user-access loops resumes at their
  // fixup (user_access.S), which returns it as faulted.
  cmpwi r12, 0x300
  beq 2f
  cmpwi r12, 0x380
  bne 3f
2:
  mfspr r10, SPRN_SRR0
  load_address r11, powerpc_user_access_start
  cmpld r10, r11
  blt 3f
  load_address r11, powerpc_user_access_end
  cmpld r10, r11
  bge 3f
  load_address r10, powerpc_user_access_fixup
  mtspr SPRN_SRR0, r10
  load_address r11, powerpc_trap_state
  lwz r10, TS_CR_SCRATCH(r11)
  mtcr r10
  mfspr r12, SPRN_SPRG2
  mtctr r12
  mfspr r12, SPRN_SPRG1
  mfspr r11, SPRN_SPRG0
  mfspr r10, SPRN_SPRG3
  rfid
3:
  load_address r11, powerpc_trap_state
  lwz r10, TS_DEPTH(r11)
  cmpwi r10, 0
  bne trap_in_trap
  li r10, 1
  stw r10, TS_DEPTH(r11)

  save_trap_gprs r11
  lwz r10, TS_CR_SCRATCH(r11)
  std r10, TF_CR(r11)
  save_trap_sprs r11

  // The C++ decoder may never return (trap_unhandled longjmps into the interrupted kernel code),
  // so it runs exactly as kernel code does: own stack, TOC, and the kernel's MSR.
  load_address r1, trap_stack_top
  li r0, 0
  stdu r0, -32(r1)
  load_address r2, .TOC.
  load_address r10, powerpc_kernel_msr
  ld r10, 0(r10)
  mtmsrd r10
  isync
  mr r3, r11
  bl powerpc_trap
  nop
  b powerpc_trap_stop

kernel_decrementer:
  // The kernel runs with MSR.EE off and uses no timer interrupt, so one that arrives anyway (a
  // test enabling EE) pushes the decrementer ~4 s away and resumes (Book III, "Decrementer
  // Interrupt"). r10 holds CR, SPRG0-3 the registers the entry borrowed.
  //
  // The exception is an scv vector before it turned EE off, where the program's time slice is
  // ending: that interrupt is made to arrive again, in user mode, at the program's next entry.
  // The vector resumes with EE off (it was on, or the interrupt could not have come) and the
  // decrementer one tick from firing. Only the vector's first instruction can be interrupted
  // without losing a register (the stub saves r12 over SPRG1); QEMU takes interrupts between
  // translation blocks, and a vector's first block runs through its mtmsrd.
  mfspr r11, SPRN_SRR0
  srdi r11, r11, 12
  cmpdi r11, SCV_VECTORS_START >> 12
  bne 1f
  mfspr r11, SPRN_SRR1
  xori r11, r11, MSR_EE
  mtspr SPRN_SRR1, r11
  li r11, 1
  b 2f
1:
  lis r11, DEC_MAX@h
  ori r11, r11, DEC_MAX@l
2:
  mtspr SPRN_DEC, r11
  mtcr r10
  mfspr r12, SPRN_SPRG2
  mtctr r12
  mfspr r12, SPRN_SPRG1
  mfspr r11, SPRN_SPRG0
  mfspr r10, SPRN_SPRG3
  rfid

trap_in_trap:
  // r10 = depth. A trap while decoding one: report it with fresh state, once.
  cmpwi r10, 1
  bne powerpc_trap_stop
  li r10, 2
  stw r10, TS_DEPTH(r11)
  load_address r1, nested_stack_top
  li r0, 0
  stdu r0, -32(r1)
  load_address r2, .TOC.
  load_address r10, powerpc_kernel_msr
  ld r10, 0(r10)
  mtmsrd r10
  isync
  mr r3, r12
  mfspr r4, SPRN_SRR0
  mfspr r5, SPRN_SRR1
  mfspr r6, SPRN_DAR
  bl powerpc_trap_nested
  nop
  // Fall through: the report itself trapped or returned.

  .globl powerpc_trap_stop
powerpc_trap_stop:
  // Third trap, or an interrupt from problem state with no program running: trust nothing in
  // memory but this code and the RTAS token. Say so with a hypervisor call, then ibm,os-term
  // through KVMPPC_H_RTAS (QEMU exits as on a guest panic).
  li r3, H_PUT_TERM_CHAR
  li r4, 0
  li r5, 16
  load_address r6, trap_stop_message
  ld_be r7, 8, r6, r0
  ld_be r6, 0, r6, r0
  sc 1
  load_address r4, trap_stop_rtas_args
  load_address r5, powerpc_rtas_os_term_token
  lwz r5, 0(r5)
  stw_be r5, 0, r4, r0    // token
  li r5, 1
  stw_be r5, 4, r4, r0    // nargs
  stw_be r5, 8, r4, r0    // nret
  load_address r5, trap_stop_message
  stw_be r5, 12, r4, r0   // the message's real address
  li r3, 0
  ori r3, r3, KVMPPC_H_RTAS
  sc 1
  // RTAS is gone too: there is no other way to stop a pseries guest.
1:
  b 1b
  .size powerpc_trap_entry, . - powerpc_trap_entry

  .section .rodata.trap_stop, "a"
  .balign 8
  // 16 bytes for H_PUT_TERM_CHAR, NUL-terminated for ibm,os-term.
trap_stop_message:
  .asciz "\n!! trap in trap"

  .section .bss.trap_stacks, "aw", @nobits
  .balign 16
trap_stop_rtas_args:
  .space 32
  .balign 16
  .space TRAP_STACK_SIZE
trap_stack_top:
  .space NESTED_STACK_SIZE
nested_stack_top:
