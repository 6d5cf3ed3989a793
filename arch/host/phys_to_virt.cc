// arch_phys_to_virt (kernel/arch/mmu.h) on the host: the tests hand out malloc'd memory as
// "physical" pages, so a physical address is the host address.
#include "kernel/arch/mmu.h"

void* arch_phys_to_virt(uint64_t pa) { return reinterpret_cast<void*>(pa); }
