// CRC-32 against zlib's published check value and split feeding.

#include "kernel/lib/crc32.h"
#include "kernel/test/test.h"

KTEST(crc32, check_value_and_pieces) {
  const char text[] = "123456789";
  EXPECT_EQ(crc32_update(0, text, 9), 0xcbf43926u);
  EXPECT_EQ(crc32_update(crc32_update(0, text, 4), text + 4, 5), 0xcbf43926u);
  EXPECT_EQ(crc32_update(0, text, 0), 0u);
  const uint8_t zeros[4] = {};
  EXPECT_EQ(crc32_update(0, zeros, 4), 0x2144df1cu);
}
