// The register state arch/arm64/vectors.S saves on SP_EL1 for every exception, shared by the
// assembly (offsets) and the C++ handler (struct).
#pragma once

#define FRAME_X0 0
#define FRAME_SP (31 * 8)
#define FRAME_ELR (32 * 8)
#define FRAME_SPSR (33 * 8)
#define FRAME_ESR (34 * 8)
#define FRAME_FAR (35 * 8)
#define FRAME_SIZE (36 * 8)

// Vector table slots (Arm ARM, "Exception vectors"): four groups of four (synchronous,
// IRQ, FIQ, SError), from the current EL on SP_EL0, the current EL on SP_ELx, a lower EL in
// AArch64, and a lower EL in AArch32.
#define VECTOR_GROUP_CURRENT_SP0 0
#define VECTOR_GROUP_CURRENT_SPX 1
#define VECTOR_GROUP_LOWER_A64 2
#define VECTOR_GROUP_LOWER_A32 3

#ifndef __ASSEMBLY__
#include <stdint.h>

namespace arm64 {

struct ExceptionFrame {
  uint64_t x[31];
  uint64_t sp;  // the interrupted context's stack pointer
  uint64_t elr;
  uint64_t spsr;
  uint64_t esr;
  uint64_t far;
};
static_assert(sizeof(ExceptionFrame) == FRAME_SIZE);
static_assert(__builtin_offsetof(ExceptionFrame, sp) == FRAME_SP);
static_assert(__builtin_offsetof(ExceptionFrame, far) == FRAME_FAR);

enum class VectorKind : uint8_t { Synchronous, Irq, Fiq, SError };

constexpr unsigned vector_group(unsigned slot) { return slot / 4; }
constexpr VectorKind vector_kind(unsigned slot) { return static_cast<VectorKind>(slot % 4); }
constexpr unsigned vector_offset(unsigned slot) { return slot * 0x80; }

}  // namespace arm64
#endif
