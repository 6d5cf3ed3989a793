#include "kernel/arch/timer.h"

#include "arch/arm64/sysreg.h"
#include "arch/arm64/timer.h"

namespace {

uint64_t g_frequency = 0;
// CNTKCTL_EL1 (Arm ARM, register CNTKCTL_EL1): EL0VCTEN (1), EVNTEN (2), EVNTI [7:4], EVNTIS (17).
constexpr uint64_t CNTKCTL_EL0VCTEN = uint64_t{1} << 1, CNTKCTL_EVNTEN = uint64_t{1} << 2,
                   CNTKCTL_EVNTIS = uint64_t{1} << 17;
constexpr unsigned CNTKCTL_EVNTI_SHIFT = 4;
constexpr unsigned ID_AA64MMFR0_ECV_SHIFT = 60;
// The event stream's rate, 10 kHz (Linux's ARCH_TIMER_EVT_STREAM_PERIOD_US of 100).
constexpr uint64_t EVENT_STREAM_HZ = 10000;

// The event stream's CNTKCTL_EL1 bits as Linux's arch_timer_configure_evtstream chooses them
// (drivers/clocksource/arm_arch_timer.c): an event each 2^(EVNTI+1) counter ticks, EVNTI the
// power of two nearest to half the counter frequency over 10 kHz; with FEAT_ECV a divider above
// 15 is taken 8 lower with EVNTIS (which scales the counter bit by 2^8).
uint64_t event_stream_bits(uint64_t frequency) {
  const uint64_t divider = frequency / EVENT_STREAM_HZ / 2;
  unsigned lsb = 0;
  if (divider != 0) {
    lsb = 63 - static_cast<unsigned>(__builtin_clzll(divider));
    if (lsb > 0 && (divider & (uint64_t{1} << (lsb - 1))) != 0) lsb++;
  }
  uint64_t bits = CNTKCTL_EVNTEN;
  const bool ecv =
      arm64::field(ARM64_READ_SYSREG(id_aa64mmfr0_el1), ID_AA64MMFR0_ECV_SHIFT, 4) != 0;
  if (ecv && lsb > 15) {
    bits |= CNTKCTL_EVNTIS;
    lsb -= 8;
  }
  if (lsb > 15) lsb = 15;
  return bits | (uint64_t{lsb} << CNTKCTL_EVNTI_SHIFT);
}

}  // namespace

namespace arm64 {

uint64_t read_cntfrq() { return ARM64_READ_SYSREG(cntfrq_el0) & 0xffffffffu; }

Result<void> timer_init(uint64_t dt_frequency) {
  const uint64_t frequency = dt_frequency != 0 ? dt_frequency : read_cntfrq();
  if (frequency == 0) return Error::Invalid;
  g_frequency = frequency;
  // CNTKCTL_EL1.EL0VCTEN: EL0 may read CNTVCT_EL0 and CNTFRQ_EL0, as Linux allows its programs
  // (drivers/clocksource/arm_arch_timer.c); the physical counter and the EL0 timers stay
  // trapped. The event stream wakes WFE regularly, as Linux's (HWCAP_EVTSTRM, hwcaps.h).
  ARM64_WRITE_SYSREG(cntkctl_el1, CNTKCTL_EL0VCTEN | event_stream_bits(frequency));
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

bool arch_has_alarm_clocks() { return true; }
