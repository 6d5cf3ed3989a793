// The kernel runs in real mode (MSR.IR = MSR.DR = 0), where an effective address is the physical
// address (Power ISA Book III, "Real Addressing Mode").
#include "kernel/arch/mmu.h"

void* arch_phys_to_virt(uint64_t pa) { return reinterpret_cast<void*>(pa); }
