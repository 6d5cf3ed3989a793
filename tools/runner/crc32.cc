#include "tools/runner/crc32.h"

#include <array>

namespace maplet::runner {
namespace {

constexpr std::array<uint32_t, 256> make_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}

constexpr std::array<uint32_t, 256> TABLE = make_table();

}  // namespace

uint32_t crc32_update(uint32_t crc, std::string_view bytes) {
  crc = ~crc;
  for (char b : bytes) crc = TABLE[(crc ^ static_cast<uint8_t>(b)) & 0xff] ^ (crc >> 8);
  return ~crc;
}

}  // namespace maplet::runner
