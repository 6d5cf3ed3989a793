#include "kernel/arch/console.h"

#include <stdint.h>

#include "arch/powerpc/hcall.h"

namespace {

// H_PUT_TERM_CHAR takes up to 16 bytes in r6:r7, first byte most significant (LoPAPR,
// "Virtual Terminal Support"). pack() places each byte by shifting, never by loading a doubleword
// of text, so it is the same in either kernel byte order.
constexpr size_t PUT_TERM_CHAR_MAX = 16;
// The first virtual terminal; QEMU maps unit 0 to the only spapr-vty.
constexpr uint64_t VTERM_UNIT = 0;

uint64_t pack(const char* s, size_t n) {
  uint64_t word = 0;
  for (size_t i = 0; i < 8; ++i) {
    const uint64_t byte = i < n ? static_cast<uint8_t>(s[i]) : 0;
    word |= byte << (56 - 8 * i);
  }
  return word;
}

}  // namespace

void arch_console_write(const char* s, size_t n) {
  while (n > 0) {
    const size_t chunk = n < PUT_TERM_CHAR_MAX ? n : PUT_TERM_CHAR_MAX;
    const uint64_t high = pack(s, chunk);
    const uint64_t low = chunk > 8 ? pack(s + 8, chunk - 8) : 0;
    // H_BUSY means the terminal is full: try again. Anything else (no terminal) drops the text,
    // since the console has nowhere to report its own failure.
    if (hcall::call(H_PUT_TERM_CHAR, VTERM_UNIT, chunk, high, low) == hcall::H_BUSY) continue;
    s += chunk;
    n -= chunk;
  }
}
