#include "kernel/arch/timer.h"

#include "arch/arm64/sysreg.h"
#include "arch/arm64/timer.h"

namespace {

uint64_t g_frequency = 0;
constexpr uint64_t CNTKCTL_EL0VCTEN = uint64_t{1} << 1;

}  // namespace

namespace arm64 {

uint64_t read_cntfrq() { return ARM64_READ_SYSREG(cntfrq_el0) & 0xffffffffu; }

Result<void> timer_init(uint64_t dt_frequency) {
  const uint64_t frequency = dt_frequency != 0 ? dt_frequency : read_cntfrq();
  if (frequency == 0) return Error::Invalid;
  g_frequency = frequency;
  // CNTKCTL_EL1.EL0VCTEN (bit 1): EL0 may read CNTVCT_EL0 and CNTFRQ_EL0, as Linux allows its
  // programs (drivers/clocksource/arm_arch_timer.c); the physical counter and the EL0 timers
  // stay trapped (Arm ARM, register CNTKCTL_EL1).
  ARM64_WRITE_SYSREG(cntkctl_el1, CNTKCTL_EL0VCTEN);
  arm64::isb();
  return {};
}

}  // namespace arm64

uint64_t arch_counter_read() {
  // The ISB keeps the read from being performed ahead of earlier instructions (Arm ARM, "The
  // Generic Timer in AArch64 state").
  arm64::isb();
  return ARM64_READ_SYSREG(cntvct_el0);
}

uint64_t arch_counter_frequency() { return g_frequency; }
