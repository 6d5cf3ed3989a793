#pragma once

// CRC-32 as zlib's crc32() computes it (IEEE 802.3 polynomial 0xEDB88320 reflected, initial
// value and final xor 0xFFFFFFFF), so crc32("123456789") == 0xCBF43926.

#include <cstdint>
#include <string_view>

namespace maplet::runner {

// Extends a running CRC; start with `crc = 0` and feed the data in any number of pieces.
[[nodiscard]] uint32_t crc32_update(uint32_t crc, std::string_view bytes);

}  // namespace maplet::runner
