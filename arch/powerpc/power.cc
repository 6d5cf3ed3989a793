#include "kernel/arch/power.h"

#include "arch/powerpc/regs.h"
#include "arch/powerpc/rtas.h"
#include "arch/powerpc/timer.h"
#include "kernel/lib/console.h"

namespace {

// QEMU acts on RTAS power-off asynchronously, after the hcall has returned: give it a second of
// a 512 MHz timebase (the pseries value) before trying the next way out.
constexpr uint64_t STOP_GRACE_TICKS = 512'000'000;

// The last way out when RTAS cannot stop the machine (no tokens in the device tree): a machine
// check taken with MSR.ME = 0 puts the processor in checkstop state (Book III, 7.5.2), which
// QEMU reports as a guest panic. A load beyond the end of guest RAM raises the machine check.
[[noreturn]] void checkstop() {
  constexpr uint64_t BEYOND_RAM = 0x0fff'0000'0000;
  uint64_t msr;
  asm volatile("mfmsr %0" : "=r"(msr));
  asm volatile("mtmsrd %0" ::"r"(msr & ~uint64_t{MSR_ME}));
  for (;;) {
    (void)*reinterpret_cast<volatile uint64_t*>(BEYOND_RAM);
    timebase::spin(STOP_GRACE_TICKS);
  }
}

}  // namespace

void arch_power_off(bool success) {
  if (success) {
    rtas::power_off();
    timebase::spin(STOP_GRACE_TICKS);
    klog("powerpc: RTAS power-off did not stop the machine; ending with a failure instead");
  }
  rtas::os_term("Maplet: verdict FAIL");
  timebase::spin(STOP_GRACE_TICKS);
  klog("powerpc: RTAS ibm,os-term did not stop the machine; forcing a checkstop");
  checkstop();
}
