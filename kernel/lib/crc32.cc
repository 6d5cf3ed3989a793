#include "kernel/lib/crc32.h"

uint32_t crc32_update(uint32_t crc, const void* data, size_t size) {
  constexpr uint32_t POLYNOMIAL = 0xedb88320;
  const auto* bytes = static_cast<const uint8_t*>(data);
  crc = ~crc;
  for (size_t i = 0; i < size; i++) {
    crc ^= bytes[i];
    for (int bit = 0; bit < 8; bit++) crc = (crc >> 1) ^ (POLYNOMIAL & (0u - (crc & 1)));
  }
  return ~crc;
}
