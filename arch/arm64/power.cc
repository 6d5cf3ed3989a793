// arch_power_off: semihosting SYS_EXIT carries the verdict as QEMU's exit status (0 or 1). Without
// semihosting, PSCI SYSTEM_OFF stops QEMU with status 0 whatever the verdict, so we say so.

#include "kernel/arch/power.h"

#include "arch/arm64/psci.h"
#include "arch/arm64/semihosting.h"
#include "kernel/arch/console.h"

namespace {

void say(const char* text) {
  size_t n = 0;
  while (text[n] != '\0') n++;
  arch_console_write(text, n);
}

}  // namespace

void arch_power_off(bool success) {
  // Only an exception in the first steps of boot gets here unprobed.
  arm64::semihosting_probe();
  arm64::semihosting_exit(success ? 0 : 1);
  if (arm64::psci_conduit() != arm64::PsciConduit::None) {
    say("~log arm64: semihosting unavailable: PSCI SYSTEM_OFF (QEMU's exit status does not carry "
        "the verdict)\n");
    arm64::psci_system_off();
  }
  say("~log arm64: no way to power off (no semihosting, no PSCI): halted\n");
  for (;;) asm volatile("wfi");
}
