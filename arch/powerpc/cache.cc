#include "arch/powerpc/cache.h"

#include <stdint.h>

namespace {

// The processor's data and instruction cache block size (POWER8 to POWER10).
constexpr uintptr_t CACHE_BLOCK = 128;

}  // namespace

namespace cache {

void sync_icache(const void* start, size_t size) {
  const uintptr_t first = reinterpret_cast<uintptr_t>(start) & ~(CACHE_BLOCK - 1);
  const uintptr_t end = reinterpret_cast<uintptr_t>(start) + size;
  for (uintptr_t block = first; block < end; block += CACHE_BLOCK) {
    asm volatile("dcbst 0, %0" ::"r"(block) : "memory");
  }
  asm volatile("sync" ::: "memory");
  for (uintptr_t block = first; block < end; block += CACHE_BLOCK) {
    asm volatile("icbi 0, %0" ::"r"(block) : "memory");
  }
  asm volatile("sync; isync" ::: "memory");
}

}  // namespace cache
