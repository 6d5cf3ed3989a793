// Host stand-in for the MMU contract's address conversion: host tests have no physical memory
// (physical_pages() stays empty), so a "physical" address is an address in the test process.
#include "kernel/arch/mmu.h"

void* arch_phys_to_virt(uint64_t pa) { return reinterpret_cast<void*>(pa); }

// No MMU to size: the narrowest TASK_SIZE arm64 has, at least every arch's default window.
uint64_t arch_user_task_size() { return uint64_t{1} << 48; }
