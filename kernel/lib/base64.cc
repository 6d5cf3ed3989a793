#include "kernel/lib/base64.h"

#include <stdint.h>

void base64_encode(Sink& sink, const void* data, size_t size) {
  static constexpr char ALPHABET[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const auto* bytes = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < size; i += 3) {
    const size_t n = size - i < 3 ? size - i : 3;
    const uint32_t group = (uint32_t{bytes[i]} << 16) | (n > 1 ? uint32_t{bytes[i + 1]} << 8 : 0) |
                           (n > 2 ? uint32_t{bytes[i + 2]} : 0);
    const char out[4] = {ALPHABET[(group >> 18) & 63], ALPHABET[(group >> 12) & 63],
                         n > 1 ? ALPHABET[(group >> 6) & 63] : '=',
                         n > 2 ? ALPHABET[group & 63] : '='};
    sink.write(out, 4);
  }
}
