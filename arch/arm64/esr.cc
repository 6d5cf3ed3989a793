#include "arch/arm64/esr.h"

namespace arm64 {

const char* exception_class_name(uint32_t ec) {
  switch (ec) {
    case EC_UNKNOWN:
      return "Unknown reason (undefined instruction)";
    case EC_WFX:
      return "Trapped WFI/WFE";
    case 0x03:
      return "Trapped AArch32 MCR/MRC (cp15)";
    case 0x04:
      return "Trapped AArch32 MCRR/MRRC (cp15)";
    case 0x05:
      return "Trapped AArch32 MCR/MRC (cp14)";
    case 0x06:
      return "Trapped AArch32 LDC/STC";
    case EC_FP_ACCESS:
      return "SVE/SIMD/FP access trapped";
    case 0x0a:
      return "Trapped LD64B/ST64B";
    case 0x0c:
      return "Trapped AArch32 MRRC (cp14)";
    case EC_BTI:
      return "Branch target exception";
    case EC_ILLEGAL_STATE:
      return "Illegal execution state";
    case 0x11:
      return "SVC (AArch32)";
    case 0x12:
      return "HVC (AArch32)";
    case 0x13:
      return "SMC (AArch32)";
    case EC_SVC64:
      return "SVC (AArch64)";
    case EC_HVC64:
      return "HVC (AArch64)";
    case EC_SMC64:
      return "SMC (AArch64)";
    case EC_SYSREG:
      return "Trapped MSR/MRS/system instruction";
    case EC_SVE:
      return "SVE access trapped";
    case 0x1a:
      return "Trapped ERET";
    case EC_PAC_FAIL:
      return "Pointer authentication failure";
    case EC_SME:
      return "SME access trapped";
    case EC_IABT_LOWER:
      return "Instruction Abort, lower EL";
    case EC_IABT_CURRENT:
      return "Instruction Abort, current EL";
    case EC_PC_ALIGNMENT:
      return "PC alignment fault";
    case EC_DABT_LOWER:
      return "Data Abort, lower EL";
    case EC_DABT_CURRENT:
      return "Data Abort, current EL";
    case EC_SP_ALIGNMENT:
      return "SP alignment fault";
    case EC_MOPS:
      return "Memory operation exception";
    case 0x28:
      return "FP exception (AArch32)";
    case EC_FP_EXCEPTION64:
      return "FP exception (AArch64)";
    case 0x2d:
      return "Guarded control stack exception";
    case EC_SERROR:
      return "SError";
    case EC_BREAKPOINT_LOWER:
      return "Breakpoint, lower EL";
    case EC_BREAKPOINT_CURRENT:
      return "Breakpoint, current EL";
    case EC_STEP_LOWER:
      return "Software step, lower EL";
    case EC_STEP_CURRENT:
      return "Software step, current EL";
    case EC_WATCHPOINT_LOWER:
      return "Watchpoint, lower EL";
    case EC_WATCHPOINT_CURRENT:
      return "Watchpoint, current EL";
    case 0x38:
      return "BKPT (AArch32)";
    case 0x3a:
      return "Vector catch (AArch32)";
    case EC_BRK64:
      return "BRK (AArch64)";
  }
  return "Unknown exception class";
}

const char* fault_status_name(uint32_t fsc) {
  if (fsc < 0x10) {
    switch (fsc & ~3u) {
      case FSC_ADDRESS_SIZE:
        return "Address size fault";
      case FSC_TRANSLATION:
        return "Translation fault";
      case FSC_ACCESS_FLAG:
        return "Access flag fault";
      case FSC_PERMISSION:
        return "Permission fault";
    }
  }
  if (fsc >= FSC_EXTERNAL_WALK && fsc <= FSC_EXTERNAL_WALK + 3) {
    return "Synchronous external abort on table walk";
  }
  switch (fsc) {
    case FSC_EXTERNAL:
      return "Synchronous external abort";
    case FSC_TAG_CHECK:
      return "Synchronous tag check fault";
    case 0x18:
      return "Synchronous parity/ECC error";
    case FSC_ALIGNMENT:
      return "Alignment fault";
    case FSC_ADDRESS_SIZE_LEVEL_MINUS_1:
      return "Address size fault";
    case FSC_TRANSLATION_LEVEL_MINUS_1:
      return "Translation fault";
    case FSC_TLB_CONFLICT:
      return "TLB conflict abort";
    case 0x31:
      return "Unsupported atomic hardware update";
    case 0x35:
      return "Unsupported exclusive or atomic access";
  }
  return "Fault status";
}

int fault_status_level(uint32_t fsc) {
  if (fsc < 0x10) return static_cast<int>(fsc & 3);
  if (fsc >= FSC_EXTERNAL_WALK && fsc <= FSC_EXTERNAL_WALK + 3) return static_cast<int>(fsc & 3);
  if (fsc == FSC_ADDRESS_SIZE_LEVEL_MINUS_1 || fsc == FSC_TRANSLATION_LEVEL_MINUS_1) return -1;
  return NO_FAULT_LEVEL;
}

}  // namespace arm64
