// Where the arm64 kernel lives: in the upper (TTBR1_EL1) half of the address space, at a fixed
// offset from physical memory. Every physical address below 2^48 the kernel maps (RAM, the
// devices of the first GiB) appears at PA + KERNEL_VA_OFFSET, the kernel image included, so the
// image is part of the linear map rather than an alias of it, and a kernel virtual address
// becomes physical by clearing the top 16 bits. The lower (TTBR0_EL1) half belongs to user
// address spaces alone.
//
// TCR_EL1.T1SZ = 16 makes the upper half 48 bits wide: [0xffff000000000000, 2^64) (Arm ARM,
// "Translation table base address selection"), so PA 0 sits at its very start.
#pragma once

#ifdef __ASSEMBLY__
#define KERNEL_VA_OFFSET 0xffff000000000000
#else
#include <stdint.h>

namespace arm64 {

constexpr uint64_t KERNEL_VA_OFFSET = 0xffff000000000000;
// The widest physical address the linear map covers (and the PA field of a descriptor holds).
constexpr uint64_t PHYS_LIMIT = uint64_t{1} << 48;

constexpr uint64_t kernel_va(uint64_t pa) { return pa + KERNEL_VA_OFFSET; }

// Works on a kernel virtual address and, in the boot code that runs with the MMU off before the
// jump to the upper half, on the physical address that PC-relative addressing yields there.
constexpr uint64_t kernel_pa(uint64_t address) { return address & (PHYS_LIMIT - 1); }

inline uint64_t kernel_pa(const void* pointer) {
  return kernel_pa(reinterpret_cast<uint64_t>(pointer));
}

}  // namespace arm64
#endif
