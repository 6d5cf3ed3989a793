// Loads and stores of unaligned 16/32/64-bit values in an explicit byte order, for formats whose
// byte order is the file's (ELF) or the target's (a user stack built for another arch), not the
// machine's. Byte by byte, so alignment and the host's own order never matter.
#pragma once

#include <stddef.h>
#include <stdint.h>

enum class ByteOrder : uint8_t { Little, Big };

namespace byte_order {

inline uint64_t load(const uint8_t* p, size_t width, ByteOrder order) {
  uint64_t value = 0;
  for (size_t i = 0; i < width; i++) {
    const size_t index = order == ByteOrder::Big ? i : width - 1 - i;
    value = (value << 8) | p[index];
  }
  return value;
}

inline void store(uint8_t* p, size_t width, uint64_t value, ByteOrder order) {
  for (size_t i = 0; i < width; i++) {
    const size_t index = order == ByteOrder::Big ? width - 1 - i : i;
    p[index] = static_cast<uint8_t>(value >> (8 * i));
  }
}

inline uint16_t load16(const uint8_t* p, ByteOrder order) {
  return static_cast<uint16_t>(load(p, 2, order));
}
inline uint32_t load32(const uint8_t* p, ByteOrder order) {
  return static_cast<uint32_t>(load(p, 4, order));
}
inline uint64_t load64(const uint8_t* p, ByteOrder order) { return load(p, 8, order); }
inline void store64(uint8_t* p, uint64_t value, ByteOrder order) { store(p, 8, value, order); }

}  // namespace byte_order
