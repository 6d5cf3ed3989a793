#include "kernel/proc/random.h"

#include "kernel/arch/timer.h"
#include "kernel/lib/string.h"

namespace {

uint64_t g_state = 0x6a09e667f3bcc909;  // any odd start; the counter does the rest

}  // namespace

uint64_t random_u64() {
  g_state += 0x9e3779b97f4a7c15 ^ arch_counter_read();
  uint64_t z = g_state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

void random_bytes(void* buffer, size_t size) {
  auto* bytes = static_cast<uint8_t*>(buffer);
  while (size > 0) {
    const uint64_t word = random_u64();
    const size_t n = size < sizeof(word) ? size : sizeof(word);
    klib::mem_copy(bytes, &word, n);
    bytes += n;
    size -= n;
  }
}
