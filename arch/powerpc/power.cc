#include "kernel/arch/power.h"

#include "arch/powerpc/rtas.h"
#include "arch/powerpc/timer.h"
#include "kernel/lib/console.h"

namespace {

// QEMU acts on RTAS power-off asynchronously, after the hcall has returned: give it a second of
// a 512 MHz timebase (the pseries value) before trying the next way out.
constexpr uint64_t STOP_GRACE_TICKS = 512'000'000;

}  // namespace

void arch_power_off(bool success) {
  if (success) {
    rtas::power_off();
    timebase::spin(STOP_GRACE_TICKS);
    klog("powerpc: RTAS power-off did not stop the machine; ending with a failure instead");
  }
  rtas::os_term("Maplet: verdict FAIL");
  timebase::spin(STOP_GRACE_TICKS);
  // A pseries guest cannot clear MSR.ME to checkstop itself, and RTAS was its only way out.
  klog("powerpc: RTAS ibm,os-term did not stop the machine; halting here (verdict FAIL)");
  for (;;) timebase::spin(STOP_GRACE_TICKS);
}
