// vDSO contract: the arch's vDSO image, a shared object built and checked at build time
// (kernel/vdso/vdso.mk) and embedded in the kernel, and the offset in it where a signal handler
// is sent to return (arm64 __kernel_rt_sigreturn, powerpc the bctrl before
// __kernel_sigtramp_rt64, Linux's VDSO_SYMBOL(vdso, sigtramp)).
#pragma once

#include <stddef.h>
#include <stdint.h>

struct ArchVdsoImage {
  const uint8_t* start;  // nullptr and size 0 when the arch has no vDSO (the host)
  size_t size;
  uint64_t sigtramp_offset;
};

ArchVdsoImage arch_vdso_image();
