#include "kernel/arch/timer.h"

#include "arch/arm64/sysreg.h"
#include "arch/arm64/timer.h"

namespace {

uint64_t g_frequency = 0;

}  // namespace

namespace arm64 {

uint64_t read_cntfrq() { return ARM64_READ_SYSREG(cntfrq_el0) & 0xffffffffu; }

Result<void> timer_init(uint64_t dt_frequency) {
  const uint64_t frequency = dt_frequency != 0 ? dt_frequency : read_cntfrq();
  if (frequency == 0) return Error::Invalid;
  g_frequency = frequency;
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
