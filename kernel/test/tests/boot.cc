// What the arch learned at boot: the memory the firmware reported, where the kernel and the
// initrd lie in it, and the command line.

#include "kernel/arch/mmu.h"
#include "kernel/lib/boot_info.h"
#include "kernel/lib/cmdline.h"
#include "kernel/lib/crc32.h"
#include "kernel/mm/memory_map.h"
#include "kernel/mm/physical_pages.h"
#include "kernel/test/test.h"

namespace {

MemoryMap g_ram;
MemoryMap g_usable;

}  // namespace

KTEST(boot, memory_size_matches_qemu) {
  const BootInfo& info = boot_info();
  // The runner starts QEMU with -m and tells the kernel the same size on the command line.
  Result<StringView> expected = cmdline_get(info.cmdline, "maplet.expect_mem");
  if (expected.is_error()) KTEST_SKIP("no maplet.expect_mem= on the command line");
  Result<uint64_t> bytes = parse_size(expected.value());
  ASSERT_OK(bytes);
  ASSERT_OK(ram_map(info.ram, info.ram_count, &g_ram));
  KTEST_NOTE("%zu RAM ranges reported, %zu after merging", info.ram_count, g_ram.count);
  EXPECT_EQ(map_bytes(g_ram), bytes.value());
}

KTEST(boot, kernel_lies_inside_ram) {
  const BootInfo& info = boot_info();
  if (info.ram_count == 0) KTEST_SKIP("no boot information (host build)");
  ASSERT_LT(info.kernel_start, info.kernel_end);
  const uint64_t size = info.kernel_end - info.kernel_start;
  ASSERT_OK(ram_map(info.ram, info.ram_count, &g_ram));
  EXPECT_TRUE(map_contains(g_ram, info.kernel_start, size));
  // No byte of the image is usable RAM: the allocator can never hand out the kernel.
  ASSERT_OK(usable_map(info.ram, info.ram_count, info.reserved, info.reserved_count, &g_usable));
  for (uint64_t a = info.kernel_start; a < info.kernel_end; a += PAGE_SIZE) {
    ASSERT_FALSE(map_contains(g_usable, a, 1));
  }
  if (info.loaded_image.size == 0) {
    KTEST_NOTE("the firmware does not say where it loaded the image");
    return;
  }
  // The firmware's own record of where it put the image: from the kernel's first byte to
  // somewhere inside it (QEMU's loader counts the segments' sizes, not the alignment gaps between
  // them, so its claim may end short of the BSS's end, never past the image).
  KTEST_NOTE("firmware: image at %#llx-%#llx",
             static_cast<unsigned long long>(info.loaded_image.base),
             static_cast<unsigned long long>(info.loaded_image.base + info.loaded_image.size));
  EXPECT_EQ(info.loaded_image.base, info.kernel_start);
  EXPECT_LE(info.loaded_image.base + info.loaded_image.size, info.kernel_end);
}

// Every usable range can be written and read at both ends (an arm64 map that missed a range, or
// powerpc RAM beyond what real mode reaches, faults here). The words are free pages'; each is put
// back as it was.
KTEST(boot, every_usable_range_is_reachable) {
  const BootInfo& info = boot_info();
  if (info.ram_count == 0) KTEST_SKIP("no boot information (host build)");
  ASSERT_OK(usable_map(info.ram, info.ram_count, info.reserved, info.reserved_count, &g_usable));
  ASSERT_GT(g_usable.count, 0u);
  for (size_t i = 0; i < g_usable.count; i++) {
    const PhysicalRange& range = g_usable.ranges[i];
    const uint64_t ends[2] = {range.base, range.base + range.size - 8};
    for (uint64_t address : ends) {
      if (!physical_pages().is_free(address)) continue;
      auto* word = static_cast<volatile uint64_t*>(arch_phys_to_virt(address));
      const uint64_t saved = *word;
      *word = ~address;
      EXPECT_EQ(*word, ~address);
      *word = saved;
    }
  }
}

// maplet.expect_initrd=SIZE:CRC32 (as the runner or a user computes them from the -initrd file):
// the kernel must see exactly those bytes where /chosen says, and keep them out of the allocator.
KTEST(boot, initrd_matches_command_line) {
  const BootInfo& info = boot_info();
  const PhysicalRange& initrd = info.initrd;
  Result<StringView> expected = cmdline_get(info.cmdline, "maplet.expect_initrd");
  if (expected.is_error()) {
    if (initrd.size == 0) KTEST_SKIP("no initrd and no maplet.expect_initrd=");
    KTEST_NOTE("initrd of %llu bytes, crc32 %#x", static_cast<unsigned long long>(initrd.size),
               crc32_update(0, arch_phys_to_virt(initrd.base), initrd.size));
    KTEST_SKIP("an initrd, but no maplet.expect_initrd= to check it against");
  }
  const size_t colon = expected.value().find(':');
  ASSERT_LT(colon, expected.value().size());
  Result<uint64_t> size = parse_size(expected.value().substr(0, colon));
  Result<uint64_t> crc = parse_size(expected.value().substr(colon + 1));
  ASSERT_OK(size);
  ASSERT_OK(crc);
  ASSERT_EQ(initrd.size, size.value());
  const auto* bytes = static_cast<const uint8_t*>(arch_phys_to_virt(initrd.base));
  EXPECT_EQ(uint64_t{crc32_update(0, bytes, initrd.size)}, crc.value());
  for (uint64_t a = initrd.base; a < initrd.base + initrd.size; a += PAGE_SIZE) {
    ASSERT_FALSE(physical_pages().is_free(a));
  }
}
