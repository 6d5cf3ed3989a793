// PAPR hypervisor calls (LoPAPR, "Hypervisor Interface"): `sc 1` with the opcode in r3 and
// arguments in r4-r10; r3 returns the status. The hypervisor may clobber r0, r3-r12, CTR, XER and
// CR.
#pragma once

#include <stdint.h>

#include "arch/powerpc/regs.h"

namespace hcall {

constexpr int64_t H_SUCCESS = 0;
constexpr int64_t H_BUSY = 1;

inline int64_t call(uint64_t opcode, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0,
                    uint64_t a4 = 0) {
  register uint64_t r3 asm("r3") = opcode;
  register uint64_t r4 asm("r4") = a1;
  register uint64_t r5 asm("r5") = a2;
  register uint64_t r6 asm("r6") = a3;
  register uint64_t r7 asm("r7") = a4;
  asm volatile("sc 1"
               : "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7)
               :
               : "r0", "r8", "r9", "r10", "r11", "r12", "ctr", "xer", "cr0", "cr1", "cr2", "cr3",
                 "cr4", "cr5", "cr6", "cr7", "memory");
  return static_cast<int64_t>(r3);
}

}  // namespace hcall
