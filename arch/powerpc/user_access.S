// uint64_t powerpc_user_copy(uint64_t dst, uint64_t src, uint64_t size): copies `size` bytes with
// data relocation on and the AMR open, one of the two addresses a user address in quadrant 0, the
// other a kernel buffer in quadrant 3 (see arch/powerpc/radix.h). Returns 0, or EFAULT when an
// access faulted: the trap entry (vectors.S) sends a data storage or segment interrupt at an
// instruction in [powerpc_user_access_start, powerpc_user_access_end) to
// powerpc_user_access_fixup with every register as it was. No stack is touched: r1 is a real
// address, which would translate as a user address here.

#include "arch/powerpc/asm.h"
#include "arch/powerpc/regs.h"

#define EFAULT 14

  .text
  .globl powerpc_user_copy
  .type powerpc_user_copy, @function
powerpc_user_copy:
  mfmsr r7
  ori r8, r7, MSR_DR
  li r9, 0
  mtspr SPRN_AMR, r9
  mtmsrd r8
  isync
  cmpdi r5, 0
  beq 2f
  mtctr r5
  .globl powerpc_user_access_start, powerpc_user_access_end, powerpc_user_access_fixup
powerpc_user_access_start:
1:
  lbz r9, 0(r4)
  stb r9, 0(r3)
powerpc_user_access_end:
  addi r3, r3, 1
  addi r4, r4, 1
  bdnz 1b
2:
  li r3, 0
  b 3f
powerpc_user_access_fixup:
  li r3, EFAULT
3:
  // Real mode again, then KUAP closed (the AMR only matters with relocation on).
  mtmsrd r7
  isync
  load_kuap_blocked r9
  mtspr SPRN_AMR, r9
  // QEMU (TCG) keeps the permissions it worked out with the AMR open in its software TLB and
  // does not flush it when the AMR changes, so later accesses would still get through. Writing
  // PIDR flushes that TLB; on hardware, which checks the AMR on every access and tags its TLB by
  // PID, rewriting the same PID only synchronises.
  mfspr r9, SPRN_PIDR
  mtspr SPRN_PIDR, r9
  isync
  blr
  .size powerpc_user_copy, . - powerpc_user_copy
