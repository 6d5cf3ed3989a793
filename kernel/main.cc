// The arch-neutral kernel entry: constructors, memory, then the selected test suites as KTAP.

#include "kernel/arch/boot.h"
#include "kernel/arch/mte.h"
#include "kernel/arch/power.h"
#include "kernel/lib/boot_info.h"
#include "kernel/lib/cmdline.h"
#include "kernel/lib/console.h"
#include "kernel/lib/init.h"
#include "kernel/mm/memory_map.h"
#include "kernel/mm/physical_pages.h"
#include "kernel/proc/exec_mode.h"
#include "kernel/proc/kernel_memory.h"
#include "kernel/proc/user_suites.h"
#include "kernel/test/host_clock.h"
#include "kernel/test/plan.h"
#include "kernel/test/run.h"

extern "C" InitFunction __init_array_start[];
extern "C" InitFunction __init_array_end[];

namespace {

void log_range(const char* what, const PhysicalRange& range, const char* owner) {
  klog("%s %#llx-%#llx (%llu KiB)%s%s", what, static_cast<unsigned long long>(range.base),
       static_cast<unsigned long long>(range.base + range.size),
       static_cast<unsigned long long>(range.size >> 10), owner[0] != '\0' ? " " : "", owner);
}

void log_memory(const BootInfo& info) {
  for (size_t i = 0; i < info.ram_count; i++) log_range("RAM", info.ram[i], "");
  for (size_t i = 0; i < info.reserved_count; i++) {
    log_range("reserved", info.reserved[i].range, info.reserved[i].owner);
  }
}

// An initrd the kernel cannot read is no initrd (its range stays reserved). Linux's arm64
// memblock setup drops one that is not fully inside the linear map the same way.
void check_initrd(BootInfo& info) {
  if (info.initrd.size == 0) return;
  MemoryMap ram{};
  if (ram_map(info.ram, info.ram_count, &ram).is_ok() &&
      map_contains(ram, info.initrd.base, info.initrd.size)) {
    return;
  }
  log_range("initrd outside RAM, ignored:", info.initrd, "");
  info.initrd = PhysicalRange{0, 0};
}

}  // namespace

void kernel_main(const BootInfo& reported) {
  run_constructors(__init_array_start, __init_array_end);
  // Kept where the tests can see it; `info` refers to the kept copy from here on.
  BootInfo checked = reported;
  check_initrd(checked);
  set_boot_info(checked);
  const BootInfo& info = boot_info();
  klog("Maplet (%s): kernel %#llx-%#llx, cmdline \"%s\"", info.arch_name,
       static_cast<unsigned long long>(info.kernel_start),
       static_cast<unsigned long long>(info.kernel_end), info.cmdline);
  log_memory(info);

  if (Result<void> pages = init_physical_pages(info); pages.is_error()) {
    klog("cannot set up the page allocator: %s", error_name(pages.error()));
    arch_power_off(false);
  }
  if (Result<void> flags = arch_mte_init_page_flags(); flags.is_error()) {
    klog("no memory for the pages' MTE flags: %s", error_name(flags.error()));
    arch_power_off(false);
  }
  if (Result<void> zero = init_kernel_zero_page(); zero.is_error()) {
    klog("no memory for the zero page: %s", error_name(zero.error()));
    arch_power_off(false);
  }
  klog("page allocator: %llu of %llu pages free in %zu zones",
       static_cast<unsigned long long>(physical_pages().free_pages()),
       static_cast<unsigned long long>(physical_pages().total_pages()),
       physical_pages().zone_count());

  // maplet-run --exec: one program instead of the test suites; its status line is the verdict.
  if (exec_mode_requested(info)) {
    exec_mode_run(info);
    arch_power_off(true);
  }

  StringView filter = "*";
  if (Result<StringView> given = cmdline_get(info.cmdline, "maplet.filter"); given.is_ok()) {
    filter = given.value();
  }
  // maplet.list=1: report the selected cases without running them.
  Result<StringView> list_flag = cmdline_get(info.cmdline, "maplet.list");
  const bool list = list_flag.is_ok() && list_flag.value() == StringView("1");
  // The user programs of the initramfs run as suites after the kernel's own.
  const ktest::ExternalSuites programs = user_suites(info);
  const unsigned selected = ktest::count_selected(filter, programs);
  // With no case selected the runner counts no clock check, so there is nothing to wait for.
  if (!list && selected > 0) ktest::report_clock_to_host(console_sink());
  // "~plan N" tells the runner how many cases will report, for its progress count; each user
  // program's own plan adds to it when the program runs.
  ktest::announce_plan(console_sink(), selected);
  const ktest::Counts counts = ktest::run_selected(
      console_sink(), filter, list ? ktest::Mode::List : ktest::Mode::Run, programs);
  const bool success = counts.failed == 0;
  if (counts.total() == 0) {
    klog("verdict: nothing to run (no test matches the filter)");
  } else {
    klog("verdict: %s (%u passed, %u failed, %u skipped)", success ? "PASS" : "FAIL", counts.passed,
         counts.failed, counts.skipped);
  }
  arch_power_off(success);
}
