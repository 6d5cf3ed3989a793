// Capability queries: what the processor offers beyond the base architecture the kernel is built
// for. A test that needs a feature asks here and reports KTEST_SKIP with the reason when the
// answer is no, so a machine without it shows a skip, not a failure.
#pragma once

#include <stdint.h>

// True when memory tagging is usable: allocation tags in memory and tag-checked accesses. On
// arm64 that is FEAT_MTE2 or later (ID_AA64PFR1_EL1.MTE 2 or 3), the level Linux's
// system_supports_mte() requires (arch/arm64/kernel/cpufeature.c, ARM64_MTE). FEAT_MTE alone
// (MTE 1, "instructions only", what QEMU's virt reports without mte=on) does not count: it has
// no tag storage and checks nothing. False on every other arch and on the host.
bool arch_supports_mte();

// True when the processor has Branch Target Identification (arm64 FEAT_BTI, ID_AA64PFR1_EL1.BT
// 1), which Linux's system_supports_bti() requires: PROT_BTI guards pages, an executable's BTI
// property guards its text, and signal handlers are entered as through BLR. False on every other
// arch and on the host.
bool arch_supports_bti();

// One cache level as the auxv describes it: size and line size in bytes, and associativity
// (0 unknown, 0xffff fully associative).
struct ArchCacheGeometry {
  uint64_t size;
  uint32_t line_size;
  uint32_t assoc;
};

// The running processor as a process's auxv names it, where the arch's Linux takes it from the
// processor rather than from constants: AT_PLATFORM (ELF_PLATFORM) and AT_BASE_PLATFORM
// (ELF_BASE_PLATFORM) strings, the L1 caches of powerpc's AT_L1*_CACHE* entries, and AT_HWCAP
// and AT_HWCAP2 (ELF_HWCAP, ELF_HWCAP2): the bits Linux 6.12 sets for this processor whose
// kernel support Maplet has, nothing more (each arch lists what it leaves out and why). nullptr,
// a size of 0 or hwcap 0 where the process description's own values stand (arm64's
// ELF_PLATFORM is the constant "aarch64"; the host knows no processor).
struct ArchCpuIdentity {
  const char* platform;
  const char* base_platform;
  ArchCacheGeometry l1i, l1d;
  uint64_t hwcap, hwcap2;
};
ArchCpuIdentity arch_cpu_identity();
