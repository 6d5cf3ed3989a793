// What the arch learned at boot: the memory size the firmware reported, and the command line.

#include "kernel/lib/boot_info.h"
#include "kernel/lib/cmdline.h"
#include "kernel/test/test.h"

KTEST(boot, memory_size_matches_qemu) {
  const BootInfo& info = boot_info();
  // The runner starts QEMU with -m and tells the kernel the same size on the command line.
  Result<StringView> expected = cmdline_get(info.cmdline, "maplet.expect_mem");
  if (expected.is_error()) KTEST_SKIP("no maplet.expect_mem= on the command line");
  Result<uint64_t> bytes = parse_size(expected.value());
  ASSERT_OK(bytes);
  EXPECT_EQ(info.mem_size, bytes.value());
}

KTEST(boot, kernel_lies_inside_ram) {
  const BootInfo& info = boot_info();
  if (info.mem_size == 0) KTEST_SKIP("no boot information (host build)");
  EXPECT_LT(info.kernel_start, info.kernel_end);
  EXPECT_GE(info.kernel_start, info.mem_base);
  EXPECT_LE(info.kernel_end, info.mem_base + info.mem_size);
}
