// arm64 early boot in C++: entered from head.S in EL1t in the upper half, with the kernel's map on
// (still also in TTBR0), BSS clear and the vectors installed. Leaves the identity map, probes
// semihosting, reads the device tree and hands a BootInfo to the neutral kernel. Any failure is one
// clear console line and a failed verdict.

#include "kernel/arch/boot.h"
#include "arch/arm64/boot_facts.h"
#include "arch/arm64/exception.h"
#include "arch/arm64/hwcaps.h"
#include "arch/arm64/interrupts.h"
#include "arch/arm64/kernel_map.h"
#include "arch/arm64/mmu_boot.h"
#include "arch/arm64/mte.h"
#include "arch/arm64/pointer_auth.h"
#include "arch/arm64/semihosting.h"
#include "arch/arm64/timer.h"
#include "arch/arm64/uaccess.h"
#include "kernel/arch/power.h"
#include "kernel/lib/boot_info.h"
#include "kernel/lib/console.h"
#include "kernel/lib/fdt.h"
#include "kernel/lib/fdt_memory.h"
#include "kernel/lib/string.h"
#include "kernel/mm/memory_map.h"

extern "C" char __kernel_start[];
extern "C" char __kernel_end[];

namespace arm64 {
namespace {

// Documentation/arch/arm64/booting.rst: "The device tree blob (dtb) must be placed on an 8-byte
// boundary and must not exceed 2 megabytes in size."
constexpr size_t FDT_MAX_SIZE = size_t{2} << 20;
constexpr size_t CMDLINE_CAPACITY = 4096;

BootFacts g_facts;
char g_cmdline[CMDLINE_CAPACITY];
BootInfo g_info;

[[noreturn]] void boot_failed(const char* what, Error error, const char* detail) {
  klog("arm64 boot: %s: %s%s%s", what, error_name(error), detail[0] != '\0' ? " - " : "", detail);
  arch_power_off(false);
}

PsciConduit read_psci_conduit(const Fdt& fdt) {
  Result<FdtNode> psci = fdt.find_node("/psci");
  if (psci.is_error()) return PsciConduit::None;
  Result<FdtProperty> method = fdt.property(psci.value(), "method");
  if (method.is_error()) return PsciConduit::None;
  Result<const char*> text = method.value().string();
  if (text.is_error()) return PsciConduit::None;
  if (klib::str_equal(text.value(), "hvc")) return PsciConduit::Hvc;
  if (klib::str_equal(text.value(), "smc")) return PsciConduit::Smc;
  return PsciConduit::None;
}

// /timer clock-frequency, one cell, or 0. Linux's arm_arch_timer binding: it overrides
// CNTFRQ_EL0 for firmware that did not program it.
uint64_t read_timer_frequency(const Fdt& fdt) {
  Result<FdtNode> timer = fdt.find_node("/timer");
  if (timer.is_error()) return 0;
  Result<FdtProperty> frequency = fdt.property(timer.value(), "clock-frequency");
  if (frequency.is_error() || frequency.value().size != 4) return 0;
  Result<uint32_t> hz = frequency.value().cell(0);
  return hz.is_ok() ? hz.value() : 0;
}

}  // namespace

const BootFacts& boot_facts() { return g_facts; }

}  // namespace arm64

extern "C" [[noreturn]] void arm64_boot(uint64_t dtb_address, uint64_t entry_el) {
  using namespace arm64;
  const uint64_t kernel_start = kernel_pa(__kernel_start);
  const uint64_t kernel_end = kernel_pa(__kernel_end);
  g_facts.entry_el = static_cast<unsigned>(entry_el);
  g_facts.dtb_address = dtb_address;

  // First the lower half goes to user address spaces; then the probe, so that every later failure
  // reports its verdict as QEMU's exit status.
  mmu_leave_identity_map();
  uaccess_init();
  mte_init();
  el0_facilities_enable();
  pac_enable();
  semihosting_probe();

  if (dtb_address == 0) {
    boot_failed("no device tree (x0 = 0)", Error::NotFound,
                "boot build/arm64/maplet.bin, whose Image header makes QEMU pass one");
  }
  const char* reason = "";
  Result<Fdt> parsed =
      Fdt::parse(reinterpret_cast<const void*>(kernel_va(dtb_address)), FDT_MAX_SIZE, &reason);
  if (parsed.is_error()) boot_failed("bad device tree", parsed.error(), reason);
  const Fdt& fdt = parsed.value();
  g_facts.dtb_size = fdt.total_size();
  g_facts.psci = read_psci_conduit(fdt);
  psci_set_conduit(g_facts.psci);
  g_facts.timer_dt_frequency = read_timer_frequency(fdt);

  BootInfo& info = g_info;
  if (Result<void> memory = fdt_read_memory(fdt, dtb_address, info); memory.is_error()) {
    boot_failed("device tree memory", memory.error(), "");
  }
  MemoryMap ram{};
  if (Result<void> merged = ram_map(info.ram, info.ram_count, &ram); merged.is_error()) {
    boot_failed("device tree /memory", merged.error(), "");
  }
  if (!map_contains(ram, kernel_start, kernel_end - kernel_start)) {
    boot_failed("device tree /memory", Error::NotFound, "no range holds the kernel");
  }
  for (size_t i = 0; i < ram.count; i++) {
    if (Result<void> mapped = mmu_map_ram(ram.ranges[i].base, ram.ranges[i].size);
        mapped.is_error()) {
      boot_failed("mapping RAM", mapped.error(), "RAM must lie between 1 GiB and 512 GiB");
    }
  }
  if (Result<void> kernel =
          boot_add_reserved(info, kernel_start, kernel_end - kernel_start, "kernel");
      kernel.is_error()) {
    boot_failed("reserving the kernel", kernel.error(), "");
  }

  Result<const char*> bootargs = fdt.bootargs();
  if (bootargs.is_error()) boot_failed("device tree /chosen/bootargs", bootargs.error(), "");
  const size_t length = klib::str_length(bootargs.value());
  if (length >= CMDLINE_CAPACITY) {
    boot_failed("device tree /chosen/bootargs", Error::TooBig, "longer than 4095 bytes");
  }
  klib::mem_copy(g_cmdline, bootargs.value(), length + 1);

  if (Result<void> timer = timer_init(g_facts.timer_dt_frequency); timer.is_error()) {
    boot_failed("counter frequency", timer.error(), "CNTFRQ_EL0 is 0 and /timer has none");
  }

  if (Result<void> interrupts = interrupts_init(fdt); interrupts.is_error()) {
    boot_failed("interrupt controller", interrupts.error(), "no GICv2 or GICv3 in the device tree");
  }

  info.arch_name = "arm64";
  info.kernel_start = kernel_start;
  info.kernel_end = kernel_end;
  info.cmdline = g_cmdline;
  exceptions_ready();
  kernel_main(info);
}
