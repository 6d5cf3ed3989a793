// The one way into Open Firmware: int of_call_raw(void* args, uint64_t entry).
// The IEEE 1275 PowerPC binding calls the client interface in 32-bit mode, and a 32-bit firmware
// saves only the low halves of the non-volatile registers, so every 64-bit register the ELFv2
// caller expects back (r2, r13-r31, CR) is saved here, as Linux's enter_prom does. The firmware
// is big-endian: it is entered with rfid in big-endian mode and returns to a switch back to the
// kernel's byte order (asm.h).

#include "arch/powerpc/asm.h"
#include "arch/powerpc/regs.h"

#define FRAME 208
#define SAVE_R2 32
#define SAVE_GPR(n) (40 + 8 * ((n) - 13))  // r13..r31: 40..184
#define SAVE_MSR 192

  .text
  .globl of_call_raw
  .type of_call_raw, @function
of_call_raw:
  mflr r0
  std r0, 16(r1)
  mfcr r12
  stw r12, 8(r1)
  stdu r1, -FRAME(r1)
  std r2, SAVE_R2(r1)
  .irp n, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
  std \n, SAVE_GPR(\n)(r1)
  .endr

  mfmsr r11
  std r11, SAVE_MSR(r1)
  mtsrr0 r4
  rldicl r12, r11, 0, 1  // clear MSR.SF
  li r0, MSR_LE
  andc r12, r12, r0
  mtsrr1 r12
  load_address r11, 1f
  mtlr r11
  rfid
1:
  enter_kernel_byte_order
  ld r11, SAVE_MSR(r1)
  mtmsrd r11
  isync
  ld r2, SAVE_R2(r1)
  .irp n, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
  ld \n, SAVE_GPR(\n)(r1)
  .endr
  addi r1, r1, FRAME
  lwz r12, 8(r1)
  mtcrf 0xff, r12
  ld r0, 16(r1)
  mtlr r0
  extsw r3, r3
  blr
  .size of_call_raw, . - of_call_raw
