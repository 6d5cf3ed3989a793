// ESR_EL1, the exception syndrome (Arm ARM DDI 0487, register ESR_EL1): EC in bits [31:26], IL in
// bit 25, ISS in [24:0]. For data and instruction aborts the ISS holds the fault status code
// (DFSC/IFSC, [5:0]); data aborts add WnR (bit 6), CM (bit 8, a cache maintenance instruction)
// and FnV (bit 10, FAR not valid).
#pragma once

#include <stdint.h>

namespace arm64 {

constexpr unsigned ESR_EC_SHIFT = 26;
constexpr uint64_t ESR_EC_MASK = 0x3f;
constexpr uint64_t ESR_FSC_MASK = 0x3f;
constexpr unsigned ESR_WNR_BIT = 6;
constexpr unsigned ESR_FNV_BIT = 10;
constexpr unsigned ESR_IL_BIT = 25;
constexpr unsigned ESR_CM_BIT = 8;

constexpr uint32_t esr_ec(uint64_t esr) { return (esr >> ESR_EC_SHIFT) & ESR_EC_MASK; }
constexpr uint32_t esr_fsc(uint64_t esr) { return esr & ESR_FSC_MASK; }
constexpr bool esr_write(uint64_t esr) { return (esr >> ESR_WNR_BIT) & 1; }
constexpr bool esr_far_not_valid(uint64_t esr) { return (esr >> ESR_FNV_BIT) & 1; }

// Exception classes (ESR_EL1.EC) this kernel names or handles.
enum ExceptionClass : uint32_t {
  EC_UNKNOWN = 0x00,
  EC_WFX = 0x01,
  EC_FP_ACCESS = 0x07,
  EC_BTI = 0x0d,
  EC_ILLEGAL_STATE = 0x0e,
  EC_SVC64 = 0x15,
  EC_HVC64 = 0x16,
  EC_SMC64 = 0x17,
  EC_SYSREG = 0x18,
  EC_SVE = 0x19,
  EC_PAC_FAIL = 0x1c,
  EC_SME = 0x1d,
  EC_IABT_LOWER = 0x20,
  EC_IABT_CURRENT = 0x21,
  EC_PC_ALIGNMENT = 0x22,
  EC_DABT_LOWER = 0x24,
  EC_DABT_CURRENT = 0x25,
  EC_SP_ALIGNMENT = 0x26,
  EC_MOPS = 0x27,
  EC_FP_EXCEPTION64 = 0x2c,
  EC_SERROR = 0x2f,
  EC_BREAKPOINT_LOWER = 0x30,
  EC_BREAKPOINT_CURRENT = 0x31,
  EC_STEP_LOWER = 0x32,
  EC_STEP_CURRENT = 0x33,
  EC_WATCHPOINT_LOWER = 0x34,
  EC_WATCHPOINT_CURRENT = 0x35,
  EC_BRK64 = 0x3c,
};

// Fault status codes (DFSC/IFSC). Codes 0x00-0x0f encode a kind in bits [5:2] and the
// translation table level in bits [1:0]; level -1 (52-bit VAs, FEAT_LPA2) has codes of its own.
enum FaultStatus : uint32_t {
  FSC_ADDRESS_SIZE = 0x00,
  FSC_TRANSLATION = 0x04,
  FSC_ACCESS_FLAG = 0x08,
  FSC_PERMISSION = 0x0c,
  FSC_EXTERNAL = 0x10,
  FSC_TAG_CHECK = 0x11,
  FSC_EXTERNAL_WALK = 0x14,
  FSC_ALIGNMENT = 0x21,
  FSC_ADDRESS_SIZE_LEVEL_MINUS_1 = 0x29,
  FSC_TRANSLATION_LEVEL_MINUS_1 = 0x2b,
  FSC_TLB_CONFLICT = 0x30,
};

constexpr bool fsc_is_translation(uint32_t fsc) {
  return (fsc & ~3u) == FSC_TRANSLATION || fsc == FSC_TRANSLATION_LEVEL_MINUS_1;
}

// "Data Abort, current EL"; "Unknown exception class" for reserved values.
const char* exception_class_name(uint32_t ec);
// "Translation fault"; "Fault status" for codes without a name here.
const char* fault_status_name(uint32_t fsc);
// The translation table level of an address size, translation, access flag, permission or
// external-on-walk fault (-1 to 3); NO_FAULT_LEVEL when the code carries none.
constexpr int NO_FAULT_LEVEL = -2;
int fault_status_level(uint32_t fsc);

}  // namespace arm64
