// kernel/lib/big_endian.h: what a be32 or be64 holds in memory is the value's bytes, most
// significant first, whatever the host's byte order; load() gives the value back; and the stored
// bytes cannot be read or written natively. On the little-endian host the conversion swaps bytes,
// as on the powerpc64le kernel; the big-endian kernel's is the identity its boot depends on.

#include "kernel/lib/big_endian.h"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <type_traits>

#include "kernel/lib/byte_order.h"

namespace {

template <typename T>
std::array<uint8_t, sizeof(T)> bytes_of(const T& value) {
  std::array<uint8_t, sizeof(T)> out{};
  std::memcpy(out.data(), &value, sizeof(T));
  return out;
}

TEST(BigEndian, StoresTheMostSignificantByteFirst) {
  be32 word;
  word.store(0x11223344);
  EXPECT_EQ(bytes_of(word), (std::array<uint8_t, 4>{0x11, 0x22, 0x33, 0x44}));
  const be64 dword(0x0102030405060708);
  EXPECT_EQ(bytes_of(dword),
            (std::array<uint8_t, 8>{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08}));
}

TEST(BigEndian, LoadsWhatTheBytesSay) {
  // A device-tree cell as Open Firmware copies it, and a radix PTE with V (bit 0, MSB-0) set.
  const uint8_t cell[4] = {0x00, 0x00, 0x10, 0x00};
  be32 word;
  std::memcpy(&word, cell, sizeof(cell));
  EXPECT_EQ(word.load(), 0x1000u);
  const uint8_t pte[8] = {0x80, 0, 0, 0, 0x12, 0x34, 0x51, 0x07};
  be64 dword;
  std::memcpy(&dword, pte, sizeof(pte));
  EXPECT_EQ(dword.load(), 0x8000'0000'1234'5107u);
  EXPECT_EQ(dword.load(), byte_order::load64(pte, ByteOrder::Big));
}

TEST(BigEndian, RoundTripsEveryByteLane) {
  for (unsigned shift = 0; shift < 64; shift += 8) {
    const uint64_t value = uint64_t{0xa5} << shift;
    EXPECT_EQ(be64(value).load(), value) << shift;
    if (shift < 32) EXPECT_EQ(be32(static_cast<uint32_t>(value)).load(), value) << shift;
  }
  be32 cells[2] = {};
  EXPECT_EQ(cells[0].load(), 0u);
  cells[1].store(0xffffffff);
  EXPECT_EQ(cells[1].load(), 0xffffffffu);
}

TEST(BigEndian, NativeByteOrderIsTheCompilers) {
  const uint32_t one = 1;
  const bool little = bytes_of(one)[0] == 1;
  EXPECT_EQ(NATIVE_BYTE_ORDER, little ? ByteOrder::Little : ByteOrder::Big);
}

// A field that must stay big-endian cannot be read or written as a plain integer.
static_assert(!std::is_convertible_v<be32, uint32_t>);
static_assert(!std::is_convertible_v<uint32_t, be32>);
static_assert(!std::is_assignable_v<be64&, uint64_t>);
static_assert(!std::is_convertible_v<be64, uint64_t>);
static_assert(be32(0x12345678).load() == 0x12345678);

}  // namespace
