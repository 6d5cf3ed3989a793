#include "kernel/coredump/core_emitter.h"

#include "kernel/mm/page_allocator.h"

namespace {
alignas(PAGE_SIZE) const uint8_t ZERO_PAGE[PAGE_SIZE] = {};
}  // namespace

void CoreEmitter::zeros(uint64_t n) {
  while (n != 0) {
    const uint64_t chunk = n < PAGE_SIZE ? n : PAGE_SIZE;
    bytes(ZERO_PAGE, chunk);
    n -= chunk;
  }
}
