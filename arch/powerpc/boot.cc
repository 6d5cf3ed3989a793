// Early boot in C++: the interrupt vectors go in first, everything the kernel needs from Open
// Firmware is read and copied into kernel memory, the firmware is quiesced, and the neutral
// kernel takes over.

#include "kernel/arch/boot.h"

#include "arch/powerpc/cpu_identity.h"
#include "arch/powerpc/of.h"
#include "arch/powerpc/of_memory.h"
#include "arch/powerpc/radix.h"
#include "arch/powerpc/rtas.h"
#include "arch/powerpc/timer.h"
#include "arch/powerpc/traps.h"
#include "kernel/arch/power.h"
#include "kernel/lib/big_endian.h"
#include "kernel/lib/console.h"

extern "C" char __kernel_start[];
extern "C" char __kernel_end[];

namespace {

constexpr uint32_t CMDLINE_CAPACITY = 2048;
char g_cmdline[CMDLINE_CAPACITY];
BootInfo g_info;

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
  // Before the vectors are in, a failure can still be reported: the console and RTAS (with QEMU's
  // fixed tokens) need neither.
  if (Result<void> traps = traps_install(); traps.is_error()) {
    boot_failed("H_SET_MODE: interrupts in the kernel's byte order", traps.error());
  }
  if (of_entry == 0) boot_failed("no Open Firmware client interface in r5", Error::NoDevice);
  of::init(of_entry);

  // RTAS first: every later failure needs it to end the run with a failed verdict.
  if (Result<void> tokens = rtas::init_from_firmware(); tokens.is_error()) {
    boot_failed("/rtas tokens", tokens.error());
  }
  BootInfo& info = g_info;
  if (Result<void> memory = of::read_memory(info); memory.is_error()) {
    boot_failed("memory nodes", memory.error());
  }
  if (Result<void> bootargs = read_bootargs(); bootargs.is_error()) {
    boot_failed("/chosen/bootargs", bootargs.error());
  }
  if (Result<void> timer = timebase::init_from_firmware(); timer.is_error()) {
    boot_failed("cpu timebase-frequency", timer.error());
  }
  if (Result<void> cpu = cpu_identity::init_from_firmware(); cpu.is_error()) {
    boot_failed("cpu identity", cpu.error());
  }
  cpu_identity::enable_user_facilities();
  of::quiesce();
  if (Result<void> mmu = radix::init(); mmu.is_error()) {
    boot_failed("radix process table", mmu.error());
  }

  info.arch_name = NATIVE_BYTE_ORDER == ByteOrder::Little ? "powerpc64le" : "powerpc";
  info.kernel_start = reinterpret_cast<uint64_t>(__kernel_start);
  info.kernel_end = reinterpret_cast<uint64_t>(__kernel_end);
  info.cmdline = g_cmdline;
  kernel_main(info);
}
