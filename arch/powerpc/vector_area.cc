// The interrupt vectors' place in low memory, which they share with Open Firmware's code.

#include <stddef.h>
#include <stdint.h>

#include "arch/powerpc/cache.h"
#include "arch/powerpc/regs.h"
#include "arch/powerpc/traps.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/string.h"

extern "C" {
// The MSR the kernel runs with; vectors.S restores it before running C++.
uint64_t powerpc_kernel_msr;

// The position-independent vector image in vectors.S, [VECTORS_START, VECTORS_END) once placed.
extern const char powerpc_vectors_start[];
extern const char powerpc_vectors_end[];
}

namespace {

// What the vectors displaced: Open Firmware's code, needed again for each client-interface call.
char g_firmware_low_memory[VECTORS_END - VECTORS_START];

char* vector_area() { return reinterpret_cast<char*>(VECTORS_START); }

// Puts `size` bytes of code at the vector area where instruction fetch sees them.
void place_code(const char* code, size_t size) {
  char* const base = vector_area();
  klib::mem_copy(base, code, size);
  cache::sync_icache(base, size);
}

size_t vectors_size() {
  const size_t size = powerpc_vectors_end - powerpc_vectors_start;
  VERIFY(size == VECTORS_END - VECTORS_START);
  return size;
}

}  // namespace

void traps_install() {
  asm volatile("mfmsr %0" : "=r"(powerpc_kernel_msr));
  klib::mem_copy(g_firmware_low_memory, vector_area(), sizeof(g_firmware_low_memory));
  place_code(powerpc_vectors_start, vectors_size());
}

void traps_lend_low_memory_to_firmware() {
  place_code(g_firmware_low_memory, sizeof(g_firmware_low_memory));
}

void traps_reclaim_low_memory() { place_code(powerpc_vectors_start, vectors_size()); }
