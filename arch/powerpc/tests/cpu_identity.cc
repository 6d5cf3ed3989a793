// The processor's identity as the auxv reports it (arch/powerpc/cpu_identity.h): the platform
// name of the PVR's processor, twice, and the L1 caches of QEMU's pseries device tree, which gives
// POWER9 and POWER10 32 KiB instruction and data caches with 128-byte lines and no set count
// (so the associativity is unknown, 0, as Linux computes it).

#include "kernel/arch/cpu_features.h"
#include "kernel/lib/string.h"
#include "kernel/test/test.h"

namespace {

uint32_t pvr_version() {
  uint64_t pvr;
  asm volatile("mfpvr %0" : "=r"(pvr));
  return static_cast<uint32_t>(pvr >> 16) & 0xffff;
}

}  // namespace

KTEST(powerpc_cpu_identity, names_the_running_processor) {
  const ArchCpuIdentity cpu = arch_cpu_identity();
  const uint32_t version = pvr_version();
  KTEST_NOTE("PVR version %#x: platform %s", version, cpu.platform ? cpu.platform : "(none)");
  ASSERT_TRUE(cpu.platform != nullptr);
  EXPECT_TRUE(klib::str_equal(cpu.platform, version == 0x004e ? "power9" : "power10"));
  ASSERT_TRUE(cpu.base_platform != nullptr);
  EXPECT_TRUE(klib::str_equal(cpu.base_platform, cpu.platform));
}

KTEST(powerpc_cpu_identity, l1_caches_from_the_device_tree) {
  const ArchCpuIdentity cpu = arch_cpu_identity();
  EXPECT_EQ(cpu.l1i.size, 0x8000u);
  EXPECT_EQ(cpu.l1d.size, 0x8000u);
  EXPECT_EQ(cpu.l1i.line_size, 128u);
  EXPECT_EQ(cpu.l1d.line_size, 128u);
  EXPECT_EQ(cpu.l1i.assoc, 0u);
  EXPECT_EQ(cpu.l1d.assoc, 0u);
}
