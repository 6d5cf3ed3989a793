// Values that are big-endian in memory whatever the kernel's own byte order: what an architecture
// or its firmware defines that way (on powerpc: Open Firmware client-interface cells and
// device-tree properties, RTAS argument buffers, radix page-table and process-table entries).
// The stored bytes are private, so a native read or write of such a field does not compile; load()
// and store() convert, and are plain accesses on a big-endian kernel. Each is one aligned access
// of the full width (a byte-reversed load or store on a little-endian powerpc), as page-table
// entries need.
#pragma once

#include <stdint.h>

#include "kernel/lib/byte_order.h"

// The byte order this code was compiled for: the kernel's (or, in host tests, the host's).
inline constexpr ByteOrder NATIVE_BYTE_ORDER =
    __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? ByteOrder::Big : ByteOrder::Little;

template <typename T>
class BigEndian {
  static_assert(sizeof(T) == 4 || sizeof(T) == 8);
  static_assert(T(-1) > T(0), "unsigned integers only");

 public:
  constexpr BigEndian() = default;
  constexpr explicit BigEndian(T value) : m_stored(swap(value)) {}

  constexpr T load() const { return swap(m_stored); }
  constexpr void store(T value) { m_stored = swap(value); }

 private:
  // Native order to big-endian and back: the same reversal both ways.
  static constexpr T swap(T value) {
    if constexpr (NATIVE_BYTE_ORDER == ByteOrder::Big) {
      return value;
    } else if constexpr (sizeof(T) == 4) {
      return __builtin_bswap32(value);
    } else {
      return __builtin_bswap64(value);
    }
  }

  T m_stored = 0;  // the value's bytes, most significant first
};

using be32 = BigEndian<uint32_t>;
using be64 = BigEndian<uint64_t>;
static_assert(sizeof(be32) == 4 && alignof(be32) == 4 && sizeof(be64) == 8 && alignof(be64) == 8);
