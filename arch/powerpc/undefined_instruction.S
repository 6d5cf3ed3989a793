// A deliberately illegal instruction for the neutral trap tests. An all-zero word is an illegal
// instruction in every version of the Power ISA (Book I, Instruction Classes: "guaranteed to be
// an illegal instruction"), so it raises a program interrupt.

  .text
  .globl arch_execute_undefined_instruction
  .type arch_execute_undefined_instruction, @function
arch_execute_undefined_instruction:
  .globl powerpc_undefined_instruction
powerpc_undefined_instruction:
  .long 0x00000000
  blr
  .size arch_execute_undefined_instruction, . - arch_execute_undefined_instruction
