// The console: the PL011 UART of QEMU's virt machine, polled. QEMU needs no initialisation; boot
// maps it Device-nGnRnE in the upper half (mmu_boot.cc) before any C++ code writes to it.

#include "kernel/arch/console.h"

#include <stdint.h>

#include "arch/arm64/kernel_map.h"

namespace {

// PrimeCell UART (PL011) Technical Reference Manual (DDI 0183), 3.2 "Summary of registers":
// UARTDR at 0x000, UARTFR at 0x018; 3.3.3 "Flag Register": TXFF (transmit FIFO full) is bit 5.
constexpr uintptr_t PL011_BASE = arm64::kernel_va(0x09000000);
constexpr uintptr_t UARTDR = 0x000;
constexpr uintptr_t UARTFR = 0x018;
constexpr uint32_t UARTFR_TXFF = 1u << 5;

volatile uint32_t& pl011(uintptr_t offset) {
  return *reinterpret_cast<volatile uint32_t*>(PL011_BASE + offset);
}

}  // namespace

void arch_console_write(const char* s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    while (pl011(UARTFR) & UARTFR_TXFF) {
    }
    pl011(UARTDR) = static_cast<uint8_t>(s[i]);
  }
}
