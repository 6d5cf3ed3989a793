// uint64_t powerpc_translated_load(uint64_t address): one load with data relocation on
// (MSR.DR = 1) while instructions are still fetched in real mode. The load is the only access
// made through the MMU, so an empty translation tree faults exactly there. Rewriting PIDR first
// drops the translations QEMU's TLB kept from the user-access loops with the AMR open
// (user_access.S), so the load sees the AMR as hardware would.

#include "arch/powerpc/asm.h"
#include "arch/powerpc/regs.h"

  .text
  .globl powerpc_translated_load
  .type powerpc_translated_load, @function
powerpc_translated_load:
  mfspr r5, SPRN_PIDR
  mtspr SPRN_PIDR, r5
  isync
  mfmsr r5
  ori r6, r5, MSR_DR
  mtmsrd r6
  isync
  .globl powerpc_translated_load_instruction
powerpc_translated_load_instruction:
  ld r3, 0(r3)
  mtmsrd r5
  isync
  blr
  .size powerpc_translated_load, . - powerpc_translated_load
