// kernel/arch/uaccess.h over the LDTRB/STTRB copies of uaccess.S, and PAN: with FEAT_PAN the
// kernel runs with PSTATE.PAN set (Arm ARM, "PSTATE.PAN"), so an ordinary EL1 load or store to a
// page EL0 can access is a permission fault; SCTLR_EL1.SPAN is cleared so that every exception
// taken to EL1, from a user program too, sets PAN again.

#include "arch/arm64/uaccess.h"

#include "arch/arm64/mte.h"
#include "arch/arm64/regs.h"
#include "arch/arm64/sysreg.h"
#include "kernel/arch/mte.h"
#include "kernel/arch/uaccess.h"

extern "C" UserAccess arm64_copy_from_user(void* to, uint64_t from, size_t n);
extern "C" UserAccess arm64_copy_to_user(uint64_t to, const void* from, size_t n);
extern "C" UserAccess arm64_clear_user(uint64_t to, size_t n);
extern "C" UserAccess arm64_strncpy_from_user(char* to, uint64_t from, size_t n);

struct UaccessFixup {
  uint64_t instruction;
  uint64_t fixup;
};
extern "C" const UaccessFixup __uaccess_fixups_start[];
extern "C" const UaccessFixup __uaccess_fixups_end[];

namespace arm64 {
namespace {

constexpr uint64_t SCTLR_EL1_SPAN = uint64_t{1} << 23;
bool g_pan = false;

}  // namespace

void uaccess_init() {
  // ID_AA64MMFR1_EL1.PAN, bits [23:20]: non-zero with FEAT_PAN.
  if (field(ARM64_READ_SYSREG(id_aa64mmfr1_el1), 20, 4) == 0) return;
  ARM64_WRITE_SYSREG(sctlr_el1, ARM64_READ_SYSREG(sctlr_el1) & ~SCTLR_EL1_SPAN);
  isb();
  asm volatile("msr pan, #1" ::: "memory");
  g_pan = true;
}

bool pan_enabled() { return g_pan; }

bool uaccess_fixup(ExceptionFrame& frame) {
  for (const UaccessFixup* entry = __uaccess_fixups_start; entry < __uaccess_fixups_end; entry++) {
    if (entry->instruction == frame.elr) {
      frame.elr = entry->fixup;
      return true;
    }
  }
  return false;
}

}  // namespace arm64

namespace {

// access_ok(): a pointer with a tag in its top byte reaches user memory only for a program that
// enabled the tagged address ABI; otherwise the copy faults at its first byte, which no fault
// handling can resolve, so the caller's copy is EFAULT.
bool user_pointer_allowed(uint64_t address) {
  return arch_untagged_addr(address) == address || arm64::mte_user_tagged_addr();
}

}  // namespace

UserAccess arch_copy_from_user(void* to, uint64_t from, size_t n) {
  if (!user_pointer_allowed(from)) return UserAccess{0, n > 0};
  return arm64_copy_from_user(to, from, n);
}

UserAccess arch_copy_to_user(uint64_t to, const void* from, size_t n) {
  if (!user_pointer_allowed(to)) return UserAccess{0, n > 0};
  return arm64_copy_to_user(to, from, n);
}

UserAccess arch_clear_user(uint64_t to, size_t n) {
  if (!user_pointer_allowed(to)) return UserAccess{0, n > 0};
  return arm64_clear_user(to, n);
}

UserAccess arch_strncpy_from_user(char* to, uint64_t from, size_t n) {
  if (!user_pointer_allowed(from)) return UserAccess{0, n > 0};
  return arm64_strncpy_from_user(to, from, n);
}
