// AArch64 system register access by name, and field extraction. Register fields are cited by
// register name from the Arm Architecture Reference Manual for A-profile (DDI 0487), whose
// chapter numbers move between issues.
#pragma once

#include <stdint.h>

#define ARM64_READ_SYSREG(name)                           \
  ({                                                      \
    uint64_t _sysreg_value;                               \
    asm volatile("mrs %0, " #name : "=r"(_sysreg_value)); \
    _sysreg_value;                                        \
  })

#define ARM64_WRITE_SYSREG(name, value) \
  asm volatile("msr " #name ", %0" ::"r"(static_cast<uint64_t>(value)) : "memory")

namespace arm64 {

inline void isb() { asm volatile("isb" ::: "memory"); }
inline void dsb_ish() { asm volatile("dsb ish" ::: "memory"); }
inline void dsb_ishst() { asm volatile("dsb ishst" ::: "memory"); }

constexpr uint64_t field(uint64_t value, unsigned shift, unsigned width) {
  return (value >> shift) & ((uint64_t{1} << width) - 1);
}

}  // namespace arm64
