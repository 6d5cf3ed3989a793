// The arch-neutral kernel entry: constructors, memory, then the selected test suites as KTAP.

#include "kernel/arch/boot.h"
#include "kernel/arch/power.h"
#include "kernel/lib/boot_info.h"
#include "kernel/lib/cmdline.h"
#include "kernel/lib/console.h"
#include "kernel/lib/init.h"
#include "kernel/mm/physical_pages.h"
#include "kernel/test/run.h"

extern "C" InitFunction __init_array_start[];
extern "C" InitFunction __init_array_end[];

void kernel_main(const BootInfo& info) {
  run_constructors(__init_array_start, __init_array_end);
  set_boot_info(info);
  klog("Maplet (%s): RAM %#llx + %llu MiB, kernel %#llx-%#llx, cmdline \"%s\"", info.arch_name,
       static_cast<unsigned long long>(info.mem_base),
       static_cast<unsigned long long>(info.mem_size >> 20),
       static_cast<unsigned long long>(info.kernel_start),
       static_cast<unsigned long long>(info.kernel_end), info.cmdline);

  if (Result<void> pages = init_physical_pages(info); pages.is_error()) {
    klog("cannot set up the page allocator: %s", error_name(pages.error()));
    arch_power_off(false);
  }
  klog("page allocator: %llu of %llu pages free",
       static_cast<unsigned long long>(physical_pages().free_pages()),
       static_cast<unsigned long long>(physical_pages().total_pages()));

  StringView filter = "*";
  if (Result<StringView> given = cmdline_get(info.cmdline, "maplet.filter"); given.is_ok()) {
    filter = given.value();
  }
  const ktest::Counts counts = ktest::run_selected(console_sink(), filter);
  const bool success = counts.failed == 0;
  if (counts.total() == 0) {
    klog("verdict: nothing to run (no test matches the filter)");
  } else {
    klog("verdict: %s (%u passed, %u failed, %u skipped)", success ? "PASS" : "FAIL", counts.passed,
         counts.failed, counts.skipped);
  }
  arch_power_off(success);
}
