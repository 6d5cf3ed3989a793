// The counter behind kernel/arch/timer.h is the generic timer's virtual count, at the frequency
// CNTFRQ_EL0 reports (or the device tree's /timer clock-frequency, which overrides it).

#include "arch/arm64/timer.h"
#include "arch/arm64/boot_facts.h"
#include "arch/arm64/sysreg.h"
#include "kernel/arch/timer.h"
#include "kernel/test/test.h"

KTEST(arm64_timer, frequency_is_what_cntfrq_says) {
  const uint64_t cntfrq = arm64::read_cntfrq();
  KTEST_NOTE("CNTFRQ_EL0 %llu Hz, device tree /timer %llu Hz",
             static_cast<unsigned long long>(cntfrq),
             static_cast<unsigned long long>(arm64::boot_facts().timer_dt_frequency));
  EXPECT_NE(arch_counter_frequency(), 0u);
  if (arm64::boot_facts().timer_dt_frequency != 0) {
    EXPECT_EQ(arch_counter_frequency(), arm64::boot_facts().timer_dt_frequency);
  } else {
    EXPECT_NE(cntfrq, 0u);
    EXPECT_EQ(arch_counter_frequency(), cntfrq);
  }
}

KTEST(arm64_timer, counter_is_cntvct) {
  const uint64_t before = ARM64_READ_SYSREG(cntvct_el0);
  const uint64_t counter = arch_counter_read();
  arm64::isb();
  const uint64_t after = ARM64_READ_SYSREG(cntvct_el0);
  EXPECT_LE(before, counter);
  EXPECT_LE(counter, after);
}

// User programs read the virtual counter directly: EL0VCTEN set, the physical counter trapped.
KTEST(arm64_timer, el0_reads_the_virtual_counter_only) {
  const uint64_t cntkctl = ARM64_READ_SYSREG(cntkctl_el1);
  EXPECT_EQ(cntkctl & 0x3u, 0x2u);
}
