// Early boot in C++: the interrupt vectors go in first, everything the kernel needs from Open
// Firmware is read and copied into kernel memory, the firmware is quiesced, and the neutral
// kernel takes over.

#include "kernel/arch/boot.h"

#include "arch/powerpc/of.h"
#include "arch/powerpc/radix.h"
#include "arch/powerpc/rtas.h"
#include "arch/powerpc/timer.h"
#include "arch/powerpc/traps.h"
#include "kernel/arch/power.h"
#include "kernel/lib/console.h"

extern "C" char __kernel_end[];

namespace {

constexpr uint32_t CMDLINE_CAPACITY = 2048;
char g_cmdline[CMDLINE_CAPACITY];

// IEEE 1275 ("#address-cells", "#size-cells"): defaults when the root node does not say.
constexpr uint32_t DEFAULT_ADDRESS_CELLS = 2;
constexpr uint32_t DEFAULT_SIZE_CELLS = 1;
constexpr uint32_t MAX_REG_CELLS = 32;

struct MemoryRange {
  uint64_t base;
  uint64_t size;
};

uint32_t root_cells(of::Phandle root, const char* name, uint32_t fallback) {
  Result<uint64_t> cells = of::get_prop_number(root, name);
  if (cells.is_ok() && (cells.value() == 1 || cells.value() == 2)) {
    return static_cast<uint32_t>(cells.value());
  }
  klog("powerpc: root \"%s\" missing or unusable, assuming %u", name, fallback);
  return fallback;
}

uint64_t read_cells(const uint32_t* cells, uint32_t count) {
  uint64_t value = 0;
  for (uint32_t i = 0; i < count; ++i) value = (value << 32) | cells[i];
  return value;
}

// The first range of /memory's reg property (pseries describes boot RAM as one range at 0).
Result<MemoryRange> read_memory() {
  const of::Phandle root = TRY(of::find_device("/"));
  const uint32_t address_cells = root_cells(root, "#address-cells", DEFAULT_ADDRESS_CELLS);
  const uint32_t size_cells = root_cells(root, "#size-cells", DEFAULT_SIZE_CELLS);
  const of::Phandle memory = TRY(of::find_device("/memory"));
  uint32_t reg[MAX_REG_CELLS];
  const uint32_t length = TRY(of::get_prop(memory, "reg", reg, sizeof(reg)));
  const uint32_t entry_bytes = 4 * (address_cells + size_cells);
  if (length < entry_bytes || length % entry_bytes != 0) return Error::Invalid;
  const MemoryRange range{read_cells(reg, address_cells),
                          read_cells(reg + address_cells, size_cells)};
  if (range.size == 0) return Error::Invalid;
  if (length > entry_bytes) klog("powerpc: /memory has more ranges; using the first");
  return range;
}

// /chosen/bootargs (IEEE 1275 /chosen properties), copied because firmware memory is reused after
// quiesce. No bootargs is an empty command line, not an error.
Result<void> read_bootargs() {
  const of::Phandle chosen = TRY(of::find_device("/chosen"));
  Result<uint32_t> length = of::get_prop(chosen, "bootargs", g_cmdline, CMDLINE_CAPACITY - 1);
  if (length.is_error() && length.error() == Error::NotFound) {
    g_cmdline[0] = '\0';
    return {};
  }
  const uint32_t n = TRY(length);
  g_cmdline[n] = '\0';
  return {};
}

[[noreturn]] void boot_failed(const char* what, Error error) {
  klog("powerpc boot failed: %s: %s", what, error_name(error));
  klog("kernel halted: verdict FAIL");
  arch_power_off(false);
}

}  // namespace

extern "C" [[noreturn]] void powerpc_boot(uint64_t of_entry) {
  traps_install();
  if (of_entry == 0) boot_failed("no Open Firmware client interface in r5", Error::NoDevice);
  of::init(of_entry);

  // RTAS first: every later failure needs it to end the run with a failed verdict.
  if (Result<void> tokens = rtas::init_from_firmware(); tokens.is_error()) {
    boot_failed("/rtas tokens", tokens.error());
  }
  Result<MemoryRange> memory = read_memory();
  if (memory.is_error()) boot_failed("/memory reg", memory.error());
  if (Result<void> bootargs = read_bootargs(); bootargs.is_error()) {
    boot_failed("/chosen/bootargs", bootargs.error());
  }
  if (Result<void> timer = timebase::init_from_firmware(); timer.is_error()) {
    boot_failed("cpu timebase-frequency", timer.error());
  }
  of::quiesce();
  if (Result<void> mmu = radix::init(); mmu.is_error()) {
    boot_failed("radix process table", mmu.error());
  }

  BootInfo info{};
  info.arch_name = "powerpc";
  info.mem_base = memory.value().base;
  info.mem_size = memory.value().size;
  // From address 0: the interrupt vectors at 0x100..0x1000 belong to the kernel too, and the
  // loader leaves 0x1000..0x400000 to firmware.
  info.kernel_start = 0;
  info.kernel_end = reinterpret_cast<uint64_t>(__kernel_end);
  info.cmdline = g_cmdline;
  kernel_main(info);
}
