// arch_phys_to_virt (kernel/arch/mmu.h): RAM is mapped at PA + KERNEL_VA_OFFSET
// (arch/arm64/kernel_map.h).
#include "arch/arm64/kernel_map.h"

#include "kernel/arch/mmu.h"

void* arch_phys_to_virt(uint64_t pa) { return reinterpret_cast<void*>(arm64::kernel_va(pa)); }
