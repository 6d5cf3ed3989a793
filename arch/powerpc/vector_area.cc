// The interrupt vectors' place in low memory, which they share with Open Firmware's code.

#include <stddef.h>
#include <stdint.h>

#include "arch/powerpc/cache.h"
#include "arch/powerpc/hcall.h"
#include "arch/powerpc/regs.h"
#include "arch/powerpc/traps.h"
#include "kernel/lib/big_endian.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/string.h"

extern "C" {
// The MSR the kernel runs with; vectors.S restores it before running C++.
uint64_t powerpc_kernel_msr;

// The position-independent vector image in vectors.S, [VECTORS_START, VECTORS_END) once placed.
extern const char powerpc_vectors_start[];
extern const char powerpc_vectors_end[];
// The scv vectors' image (vectors.S), placed at SCV_VECTORS_START.
extern const char powerpc_scv_vectors_start[];
extern const char powerpc_scv_vectors_end[];
}

namespace {

// LoPAPR H_SET_MODE with resource H_SET_MODE_RESOURCE_LE sets the byte order interrupts are taken
// in (LPCR.ILE) for every processor of the partition, as Linux's pseries setup does for a
// little-endian kernel; value1 and value2 must be 0.
constexpr uint64_t H_SET_MODE = 0x31c;
constexpr uint64_t H_SET_MODE_RESOURCE_LE = 4;
constexpr uint64_t H_SET_MODE_ENDIAN_BIG = 0, H_SET_MODE_ENDIAN_LITTLE = 1;

// What the vectors displaced: Open Firmware's code, needed again for each client-interface call.
char g_firmware_low_memory[VECTORS_END - VECTORS_START];

char* vector_area() { return reinterpret_cast<char*>(VECTORS_START); }

// Puts `size` bytes of code at `base` where instruction fetch sees them.
void place_code_at(char* base, const char* code, size_t size) {
  klib::mem_copy(base, code, size);
  cache::sync_icache(base, size);
}

// Puts `size` bytes of code at the vector area.
void place_code(const char* code, size_t size) { place_code_at(vector_area(), code, size); }

size_t vectors_size() {
  const size_t size = powerpc_vectors_end - powerpc_vectors_start;
  VERIFY(size == VECTORS_END - VECTORS_START);
  return size;
}

}  // namespace

Result<void> traps_install() {
  // Interrupts start in the firmware's byte order, big-endian; a big-endian kernel asks for what
  // it has, so both builds take the same path.
  const uint64_t order =
      NATIVE_BYTE_ORDER == ByteOrder::Little ? H_SET_MODE_ENDIAN_LITTLE : H_SET_MODE_ENDIAN_BIG;
  if (hcall::call(H_SET_MODE, order, H_SET_MODE_RESOURCE_LE) != hcall::H_SUCCESS) {
    return Error::NotSupported;
  }
  asm volatile("mfmsr %0" : "=r"(powerpc_kernel_msr));
  klib::mem_copy(g_firmware_low_memory, vector_area(), sizeof(g_firmware_low_memory));
  place_code(powerpc_vectors_start, vectors_size());
  // Memory Open Firmware leaves alone (its code ends below 0x1000, its stack is 0x8000-0x10000:
  // the boot log's firmware claims), reserved by of::read_memory.
  const size_t scv_size = powerpc_scv_vectors_end - powerpc_scv_vectors_start;
  VERIFY(scv_size > SCV_LEVELS * VECTOR_SLOT && scv_size <= SCV_VECTORS_AREA);
  place_code_at(reinterpret_cast<char*>(SCV_VECTORS_START), powerpc_scv_vectors_start, scv_size);
  return {};
}

void traps_lend_low_memory_to_firmware() {
  place_code(g_firmware_low_memory, sizeof(g_firmware_low_memory));
}

void traps_reclaim_low_memory() { place_code(powerpc_vectors_start, vectors_size()); }
