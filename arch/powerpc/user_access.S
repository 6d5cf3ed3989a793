// The user-memory loops under kernel/arch/uaccess.h (see user_access.cc). Each runs with data
// relocation on and the AMR open, every address it touches a user address in quadrant 0 or a
// kernel buffer in quadrant 3 (see arch/powerpc/radix.h), and returns the bytes done in r3 and
// whether an access faulted (0 or 1) in r4, a 16-byte aggregate of two doublewords in ELFv2. The
// trap entry (vectors.S) sends a data storage or segment interrupt at an instruction in
// [powerpc_user_access_start, powerpc_user_access_end) to powerpc_user_access_fixup with every
// register as it was, so r6, the count of bytes done, is exact there. No stack is touched: r1 is
// a real address, which would translate as a user address here.
//
//   powerpc_copy_user(uint64_t to, uint64_t from, uint64_t n)
//   powerpc_clear_user(uint64_t to, uint64_t n)
//   powerpc_strncpy_user(uint64_t to, uint64_t from, uint64_t n): stops after the NUL.

#include "arch/powerpc/asm.h"
#include "arch/powerpc/regs.h"

// r7 = the MSR to return to, r6 = 0 bytes done; data relocation on, the AMR open.
.macro user_access_open
  mfmsr r7
  ori r8, r7, MSR_DR
  li r9, 0
  mtspr SPRN_AMR, r9
  mtmsrd r8
  isync
  li r6, 0
.endm

  .text
  .globl powerpc_user_access_start, powerpc_user_access_end, powerpc_user_access_fixup
powerpc_user_access_start:

  .globl powerpc_copy_user
  .type powerpc_copy_user, @function
powerpc_copy_user:
  user_access_open
1:
  cmpld r6, r5
  bge user_access_done
  // A doubleword while both sides are 8-byte aligned and 8 bytes remain: it lies in one page, so
  // when it faults none of it was accessible and r6 stays exact.
  subf r10, r6, r5
  add r11, r3, r6
  add r12, r4, r6
  or r11, r11, r12
  andi. r11, r11, 7
  bne 2f
  cmpldi r10, 8
  blt 2f
  ldx r9, r4, r6
  stdx r9, r3, r6
  addi r6, r6, 8
  b 1b
2:
  lbzx r9, r4, r6
  stbx r9, r3, r6
  addi r6, r6, 1
  b 1b
  .size powerpc_copy_user, . - powerpc_copy_user

  .globl powerpc_clear_user
  .type powerpc_clear_user, @function
powerpc_clear_user:
  user_access_open
1:
  cmpld r6, r4
  bge user_access_done
  stbx r9, r3, r6
  addi r6, r6, 1
  b 1b
  .size powerpc_clear_user, . - powerpc_clear_user

  .globl powerpc_strncpy_user
  .type powerpc_strncpy_user, @function
powerpc_strncpy_user:
  user_access_open
1:
  cmpld r6, r5
  bge user_access_done
  lbzx r9, r4, r6
  stbx r9, r3, r6
  addi r6, r6, 1
  cmpdi r9, 0
  bne 1b
  b user_access_done
  .size powerpc_strncpy_user, . - powerpc_strncpy_user

powerpc_user_access_end:

user_access_done:
  li r4, 0
  b 1f
powerpc_user_access_fixup:
  li r4, 1
1:
  mr r3, r6
  // Real mode again, then KUAP closed (the AMR only matters with relocation on).
  mtmsrd r7
  isync
  load_kuap_blocked r9
  mtspr SPRN_AMR, r9
  // QEMU (TCG) keeps the permissions it worked out with the AMR open in its software TLB and
  // does not flush it when the AMR changes, so a later privileged access with data relocation on
  // to a page the loop touched would still get through; hardware checks the AMR on every access.
  // These loops are the kernel's only such accesses: any other code that makes them (the tests'
  // powerpc_translated_load) first drops QEMU's stale translations by rewriting PIDR. Doing that
  // here, after every loop, cost a signal's delivery and return most of their time.
  blr
