#include "arch/arm64/id_register_emulation.h"

#include "arch/arm64/esr.h"
#include "arch/arm64/id_registers.h"
#include "arch/arm64/sysreg.h"
#include "kernel/arch/uaccess.h"

namespace arm64 {
namespace {

// The operand of an MRS.
struct MrsAccess {
  SysReg reg;
  unsigned rt;
};

uint8_t bits(uint64_t value, unsigned shift, unsigned width) {
  return static_cast<uint8_t>(field(value, shift, width));
}

// The ISS of exception class 0x18 (Arm ARM, "ISS encoding for an exception from MSR, MRS, or
// System instruction execution in AArch64 state"): Direction (bit 0, 1 for a read), CRm [4:1],
// Rt [9:5], CRn [13:10], Op1 [16:14], Op2 [19:17], Op0 [21:20]. Error::Invalid for a write.
Result<MrsAccess> from_syndrome(uint64_t esr) {
  if ((esr & 1) == 0) return Error::Invalid;
  return MrsAccess{SysReg{bits(esr, 20, 2), bits(esr, 14, 3), bits(esr, 10, 4), bits(esr, 1, 4),
                          bits(esr, 17, 3)},
                   bits(esr, 5, 5)};
}

// MRS Xt, <register> (Arm ARM, C6.2 "MRS"): 0xd53 in bits [31:20] (L, bit 20, set for the read),
// o0 (bit 19, op0 = 2 + o0), op1 [18:16], CRn [15:12], CRm [11:8], op2 [7:5], Rt [4:0].
constexpr uint32_t MRS_MASK = 0xfff00000, MRS_BITS = 0xd5300000;

// The instruction at `pc`, when it is an MRS: Error::Fault when it cannot be read, Error::Invalid
// when it is another instruction.
Result<MrsAccess> from_instruction(uint64_t pc) {
  uint32_t insn;
  if (arch_copy_from_user(&insn, pc, sizeof(insn)).faulted) return Error::Fault;
  if ((insn & MRS_MASK) != MRS_BITS) return Error::Invalid;
  return MrsAccess{SysReg{static_cast<uint8_t>(2 + bits(insn, 19, 1)), bits(insn, 16, 3),
                          bits(insn, 12, 4), bits(insn, 8, 4), bits(insn, 5, 3)},
                   bits(insn, 0, 5)};
}

// The MRS of an exception that may be one Linux emulates; Error::Invalid for other classes.
Result<MrsAccess> trapped_mrs(const ExceptionFrame& frame) {
  switch (esr_ec(frame.esr)) {
    case EC_SYSREG:
      return from_syndrome(frame.esr);
    case EC_UNKNOWN:
      return from_instruction(frame.elr);
  }
  return Error::Invalid;
}

constexpr unsigned ZR = 31;
constexpr uint64_t INSTRUCTION_SIZE = 4;
// SPSR_EL1.BTYPE, bits [11:10] (Arm ARM, register SPSR_EL1).
constexpr uint64_t SPSR_BTYPE = uint64_t{3} << 10;

}  // namespace

bool emulate_user_id_register_read(UserContext& context) {
  ExceptionFrame& frame = context.frame;
  const Result<MrsAccess> access = trapped_mrs(frame);
  if (access.is_error()) return false;
  const Result<uint64_t> value = id_register_user_value(access.value().reg);
  if (value.is_error()) return false;
  if (access.value().rt != ZR) frame.x[access.value().rt] = value.value();
  frame.elr += INSTRUCTION_SIZE;
  frame.spsr &= ~SPSR_BTYPE;
  return true;
}

}  // namespace arm64
