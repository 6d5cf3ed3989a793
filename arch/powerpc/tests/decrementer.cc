// The decrementer interrupt (0x900) fires whenever MSR.EE is on and the decrementer is negative.
// The kernel never uses it, so its vector only pushes the decrementer far away and resumes:
// enabling interrupts must neither trap nor loop.

#include "arch/powerpc/tests/decrementer.h"
#include "arch/powerpc/regs.h"
#include "arch/powerpc/timer.h"
#include "kernel/arch/timer.h"
#include "kernel/test/test.h"

namespace {

uint64_t read_msr() {
  uint64_t msr;
  asm volatile("mfmsr %0" : "=r"(msr));
  return msr;
}

void write_msr(uint64_t msr) { asm volatile("mtmsrd %0" ::"r"(msr) : "memory"); }

void write_decrementer(int64_t value) { asm volatile("mtspr %0, %1" ::"i"(SPRN_DEC), "r"(value)); }

}  // namespace

KTEST(powerpc_trap, decrementer_with_interrupts_enabled_is_absorbed) {
  constexpr uint64_t WAIT_TICKS = 100'000;
  const uint64_t msr = read_msr();
  ASSERT_EQ(msr & MSR_EE, 0u);
  // A decrementer turning negative raises the exception at once (Book III, "Decrementer"), so
  // it is pending before interrupts go on; a short countdown would race with QEMU's timer.
  write_decrementer(DEC_MAX);
  const uint64_t start = arch_counter_read();
  write_decrementer(-1);
  write_msr(msr | MSR_EE);
  timebase::spin(WAIT_TICKS);
  write_msr(msr);
  const int64_t now = read_decrementer();
  const int64_t elapsed = static_cast<int64_t>(arch_counter_read() - start);
  KTEST_NOTE("decrementer %lld after %lld ticks", static_cast<long long>(now),
             static_cast<long long>(elapsed));
  // Without the interrupt the decrementer would have counted down from -1; the vector reloaded
  // it with DEC_MAX at most `elapsed` ticks ago (both count the timebase, so a slow host does
  // not matter).
  EXPECT_GE(now, static_cast<int64_t>(DEC_MAX) - elapsed);
  EXPECT_LE(now, static_cast<int64_t>(DEC_MAX));
}
