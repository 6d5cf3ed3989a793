#include "arch/arm64/interrupts.h"

#include "arch/arm64/gic.h"
#include "arch/arm64/sysreg.h"
#include "kernel/arch/timer.h"

namespace arm64 {
namespace {

// The virtual timer's interrupt on QEMU virt: PPI 11, INTID 16 + 11.
constexpr uint32_t DEFAULT_TIMER_INTID = 27;
constexpr uint32_t PPI_BASE = 16;
constexpr uint32_t GIC_INTERRUPT_TYPE_PPI = 1;  // first cell of a GIC interrupt specifier
constexpr size_t VIRTUAL_TIMER_INDEX = 2;       // /timer interrupts: secure, non-secure, virtual
// CNTV_CTL_EL0: ENABLE (bit 0); IMASK (bit 1) would hide the interrupt.
constexpr uint64_t CNTV_CTL_ENABLE = 1;

uint32_t g_timer_intid = DEFAULT_TIMER_INTID;
uint32_t g_last_interrupt = GIC_SPURIOUS;
bool g_slice_running = false;

uint32_t read_timer_intid(const Fdt& fdt) {
  Result<FdtNode> timer = fdt.find_node("/timer");
  if (timer.is_error()) return DEFAULT_TIMER_INTID;
  Result<FdtProperty> interrupts = fdt.property(timer.value(), "interrupts");
  if (interrupts.is_error()) return DEFAULT_TIMER_INTID;
  Result<uint32_t> type = interrupts.value().cell(VIRTUAL_TIMER_INDEX * 3);
  Result<uint32_t> number = interrupts.value().cell(VIRTUAL_TIMER_INDEX * 3 + 1);
  if (type.is_error() || number.is_error() || type.value() != GIC_INTERRUPT_TYPE_PPI ||
      number.value() >= 16) {
    return DEFAULT_TIMER_INTID;
  }
  return PPI_BASE + number.value();
}

}  // namespace

Result<void> interrupts_init(const Fdt& fdt) {
  user_slice_stop();
  g_timer_intid = read_timer_intid(fdt);
  return gic_init(fdt, g_timer_intid);
}

uint32_t timer_intid() { return g_timer_intid; }

void user_slice_continue() {
  if (g_slice_running) return;
  ARM64_WRITE_SYSREG(cntv_tval_el0, arch_counter_frequency() / USER_SLICES_PER_SECOND);
  ARM64_WRITE_SYSREG(cntv_ctl_el0, CNTV_CTL_ENABLE);
  isb();
  g_slice_running = true;
}

void user_slice_stop() {
  ARM64_WRITE_SYSREG(cntv_ctl_el0, 0);
  isb();
  g_slice_running = false;
}

uint32_t interrupt_take() {
  const uint32_t intid = gic_acknowledge();
  // The timer's interrupt is level-sensitive: stopping the timer lowers it before the end.
  if (intid == g_timer_intid) user_slice_stop();
  gic_end(intid);
  g_last_interrupt = intid;
  return intid;
}

uint32_t last_interrupt() { return g_last_interrupt; }

}  // namespace arm64
