#include "arch/arm64/trap_decode.h"

#include "arch/arm64/esr.h"
#include "kernel/lib/format.h"

namespace arm64 {
namespace {

TrapKind synchronous_kind(uint32_t ec, uint32_t fsc) {
  switch (ec) {
    case EC_UNKNOWN:
      return TrapKind::UndefinedInstruction;
    case EC_DABT_LOWER:
    case EC_DABT_CURRENT:
      if (fsc == FSC_TAG_CHECK) return TrapKind::TagCheck;
      return fsc == FSC_ALIGNMENT ? TrapKind::Alignment : TrapKind::DataAbort;
    case EC_SP_ALIGNMENT:
    case EC_PC_ALIGNMENT:
      return TrapKind::Alignment;
    case EC_IABT_LOWER:
    case EC_IABT_CURRENT:
      return TrapKind::InstructionAbort;
    case EC_SVC64:
      return TrapKind::SystemCall;
    case EC_PAC_FAIL:
      return TrapKind::PointerAuth;
    case EC_BREAKPOINT_LOWER:
    case EC_BREAKPOINT_CURRENT:
    case EC_STEP_LOWER:
    case EC_STEP_CURRENT:
    case EC_WATCHPOINT_LOWER:
    case EC_WATCHPOINT_CURRENT:
    case EC_BRK64:
      return TrapKind::Breakpoint;
  }
  return TrapKind::Other;
}

// FAR_EL1 is valid for aborts (unless the syndrome says FnV), PC alignment faults and watchpoints;
// for every other class its value is UNKNOWN.
bool far_valid(uint32_t ec, uint64_t esr) {
  switch (ec) {
    case EC_DABT_LOWER:
    case EC_DABT_CURRENT:
    case EC_IABT_LOWER:
    case EC_IABT_CURRENT:
    case EC_WATCHPOINT_LOWER:
    case EC_WATCHPOINT_CURRENT:
      return !esr_far_not_valid(esr);
    case EC_PC_ALIGNMENT:
      return true;
  }
  return false;
}

bool is_abort(uint32_t ec) {
  return ec == EC_DABT_LOWER || ec == EC_DABT_CURRENT || ec == EC_IABT_LOWER ||
         ec == EC_IABT_CURRENT;
}

const char* vector_kind_name(VectorKind kind) {
  switch (kind) {
    case VectorKind::Synchronous:
      return "Synchronous exception";
    case VectorKind::Irq:
      return "IRQ";
    case VectorKind::Fiq:
      return "FIQ";
    case VectorKind::SError:
      return "SError";
  }
  return "Exception";
}

// The access of an abort (Arm ARM, ISS encoding for "an exception from a Data Abort": WnR, bit 6,
// is set for a write).
TrapAccess abort_access(uint32_t ec, uint64_t esr) {
  switch (ec) {
    case EC_DABT_LOWER:
    case EC_DABT_CURRENT:
      return esr_write(esr) ? TrapAccess::Write : TrapAccess::Read;
    case EC_IABT_LOWER:
    case EC_IABT_CURRENT:
    case EC_PC_ALIGNMENT:
      return TrapAccess::Execute;
  }
  return TrapAccess::None;
}

}  // namespace

TrapInfo decode_exception(const ExceptionFrame& frame, unsigned slot) {
  TrapInfo info{};
  info.pc = frame.elr;
  info.syndrome = frame.esr;
  // SPSR_EL1.M[3:0] 0b0000 is EL0t, the only EL0 mode.
  info.from_user = (frame.spsr & 0xf) == 0 && vector_group(slot) >= VECTOR_GROUP_LOWER_A64;
  const VectorKind kind = vector_kind(slot);

  if (kind == VectorKind::Irq || kind == VectorKind::Fiq) {
    info.kind = TrapKind::Other;
    info.vector = vector_offset(slot);
    info.syndrome = 0;
    return info;
  }

  const uint32_t ec = esr_ec(frame.esr);
  const uint32_t fsc = esr_fsc(frame.esr);
  info.vector = ec;
  info.kind = kind == VectorKind::SError ? TrapKind::Other : synchronous_kind(ec, fsc);
  if (far_valid(ec, frame.esr)) info.address = frame.far;
  // A stack pointer alignment fault leaves FAR UNKNOWN: the address is the stack pointer's, as
  // Linux's el0_sp passes it to do_sp_pc_abort.
  if (ec == EC_SP_ALIGNMENT) info.address = frame.sp;
  if (kind == VectorKind::Synchronous) info.access = abort_access(ec, frame.esr);
  return info;
}

void describe_exception(const ExceptionFrame& frame, unsigned slot, TrapInfo& info) {
  const unsigned long long esr = frame.esr;
  const unsigned long long far = frame.far;
  const unsigned long long elr = frame.elr;
  const unsigned long long spsr = frame.spsr;
  const VectorKind kind = vector_kind(slot);
  if (kind == VectorKind::Irq || kind == VectorKind::Fiq) {
    format_to_buffer(info.banner, sizeof(info.banner), "%s (vector 0x%x) ELR 0x%llx SPSR 0x%llx",
                     vector_kind_name(kind), vector_offset(slot), elr, spsr);
    return;
  }
  const uint32_t ec = esr_ec(frame.esr);
  const uint32_t fsc = esr_fsc(frame.esr);

  // ", Translation fault L0, read" for aborts: what the fault status code says.
  char detail[72] = "";
  if (is_abort(ec)) {
    const int level = fault_status_level(fsc);
    char level_text[8] = "";
    if (level != NO_FAULT_LEVEL) format_to_buffer(level_text, sizeof(level_text), " L%d", level);
    const bool data = ec == EC_DABT_LOWER || ec == EC_DABT_CURRENT;
    format_to_buffer(detail, sizeof(detail), ", %s%s%s", fault_status_name(fsc), level_text,
                     data ? (esr_write(frame.esr) ? ", write" : ", read") : "");
  }
  format_to_buffer(info.banner, sizeof(info.banner),
                   "%s (EC 0x%02x%s) ESR 0x%llx FAR 0x%llx ELR 0x%llx SPSR 0x%llx",
                   exception_class_name(ec), ec, detail, esr, far, elr, spsr);
}

}  // namespace arm64
