#include "arch/arm64/mops.h"

namespace arm64 {
namespace {

// The MOPS exception's ISS (Arm ARM, ESR_ELx, ISS encoding for an exception from the Memory Copy
// and Memory Set instructions).
constexpr uint64_t ISS_MEM_INST = uint64_t{1} << 24;  // a SET* instruction (else CPY*)
constexpr uint64_t ISS_FROM_EPILOGUE = uint64_t{1} << 18;
constexpr uint64_t ISS_WRONG_OPTION = uint64_t{1} << 17;
constexpr uint64_t ISS_OPTION_A = uint64_t{1} << 16;
constexpr unsigned ISS_DESTREG_SHIFT = 10, ISS_SRCREG_SHIFT = 5, ISS_SIZEREG_SHIFT = 0;
constexpr uint64_t PSTATE_N = uint64_t{1} << 31;
constexpr uint64_t SIGN = uint64_t{1} << 63;

uint64_t& reg(ExceptionFrame& frame, uint64_t esr, unsigned shift) {
  const unsigned n = static_cast<unsigned>(esr >> shift) & 0x1f;
  return n < 31 ? frame.x[n] : frame.sp;
}

}  // namespace

void mops_reset_registers(ExceptionFrame& frame, uint64_t esr) {
  // Every register is read before any is written, so that registers named twice (a form the
  // architecture leaves CONSTRAINED UNPREDICTABLE) end as Linux leaves them.
  uint64_t& dst_reg = reg(frame, esr, ISS_DESTREG_SHIFT);
  uint64_t& src_reg = reg(frame, esr, ISS_SRCREG_SHIFT);
  uint64_t& size_reg = reg(frame, esr, ISS_SIZEREG_SHIFT);
  const uint64_t dst = dst_reg, src = src_reg, size = size_reg;
  // The registers are in Option A's form when this CPU is Option A and they are right for it, or
  // it is Option B and they are wrong for it.
  const bool option_a_form = ((esr & ISS_OPTION_A) != 0) != ((esr & ISS_WRONG_OPTION) != 0);
  if ((esr & ISS_MEM_INST) != 0) {
    // SET*: Option A keeps a forward set's end and the negated size left; the prologue wants
    // the start and the size.
    if (option_a_form) {
      dst_reg = dst + size;
      size_reg = -size;
    }
  } else if (!option_a_form) {
    // CPY*, Option B: a backward copy (PSTATE.N) has moved both pointers down by what is left.
    if ((frame.spsr & PSTATE_N) != 0) {
      dst_reg = dst - size;
      src_reg = src - size;
    }
  } else if ((size & SIGN) != 0) {
    // CPY*, Option A, a forward copy: both ends and the negated size left.
    dst_reg = dst + size;
    src_reg = src + size;
    size_reg = -size;
  }
  frame.elr -= (esr & ISS_FROM_EPILOGUE) != 0 ? 8 : 4;
}

}  // namespace arm64
