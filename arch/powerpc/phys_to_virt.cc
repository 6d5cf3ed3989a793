// arch_phys_to_virt (kernel/arch/mmu.h): the kernel runs in real mode (no translation), so RAM
// is reached at its physical address.
#include "kernel/arch/mmu.h"

void* arch_phys_to_virt(uint64_t pa) { return reinterpret_cast<void*>(pa); }
