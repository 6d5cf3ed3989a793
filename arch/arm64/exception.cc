// Dispatch of the kernel's own exceptions (a user program's exceptions end its run instead, see
// user.cc): the semihosting probe is recognised and resumed, a faulting user-memory copy resumes
// at its fixup (uaccess.h), and everything else is decoded into a TrapInfo for the neutral
// trap_unhandled, which resumes the test framework's recovery point or panics.
//
// Safety nets, since these paths run when something already went wrong:
//  - an exception taken while a handler runs (the depth count, which arch_longjmp resets when it
//    leaves a handler), with SP_EL0 selected, or from AArch32 is fatal at once, reported with a
//    formatter-free banner; so is a kernel stack overflow (vectors.S);
//  - an exception before exceptions_ready() prints its banner and powers off with failure.

#include "arch/arm64/exception.h"

#include "arch/arm64/esr.h"
#include "arch/arm64/semihosting.h"
#include "arch/arm64/sysreg.h"
#include "arch/arm64/trap_decode.h"
#include "arch/arm64/uaccess.h"
#include "kernel/arch/console.h"
#include "kernel/arch/power.h"
#include "kernel/arch/trap.h"

// Exceptions being handled; cleared by arch_longjmp (context.S).
extern "C" uint64_t arm64_exception_depth;
uint64_t arm64_exception_depth = 0;

namespace arm64 {
namespace {

constexpr unsigned NO_SLOT = ~0u;

bool g_ready = false;
unsigned g_fatal_depth = 0;

void put(const char* text) {
  size_t n = 0;
  while (text[n] != '\0') n++;
  arch_console_write(text, n);
}

// One byte at a time and no local arrays: this must work even with the MMU off, where an
// unaligned access the compiler made up would fault again.
void put_hex(uint64_t value) {
  put("0x");
  int digits = 1;
  while (digits < 16 && (value >> (4 * digits)) != 0) digits++;
  for (int i = digits - 1; i >= 0; i--) {
    const char digit = "0123456789abcdef"[(value >> (4 * i)) & 0xf];
    arch_console_write(&digit, 1);
  }
}

// Raw registers only: this runs when the formatter or the kernel state may be what broke.
[[noreturn]] void fatal_raw(const char* why, const ExceptionFrame& frame, unsigned slot) {
  if (g_fatal_depth++ != 0) {
    // Even the report faulted; nothing more can be trusted.
    for (;;) asm volatile("wfi");
  }
  put("~log arm64: FATAL: ");
  put(why);
  if (slot != NO_SLOT) {
    put(": vector ");
    put_hex(vector_offset(slot));
  }
  put(" ESR ");
  put_hex(frame.esr);
  put(" FAR ");
  put_hex(frame.far);
  put(" ELR ");
  put_hex(frame.elr);
  put(" SPSR ");
  put_hex(frame.spsr);
  put(" SP ");
  put_hex(frame.sp);
  put("\n~log kernel halted: verdict FAIL\n");
  arch_power_off(false);
}

}  // namespace

void exceptions_ready() { g_ready = true; }

}  // namespace arm64

extern "C" char arm64_undefined_instruction[];

uint64_t arch_undefined_instruction_address() {
  return reinterpret_cast<uint64_t>(arm64_undefined_instruction);
}

extern "C" void arm64_handle_exception(arm64::ExceptionFrame* frame, uint64_t slot) {
  using namespace arm64;
  // The probe may run inside a handler too: arch_power_off probes when boot had not yet.
  if (vector_kind(slot) == VectorKind::Synchronous && semihosting_probe_trapped(*frame)) return;
  const unsigned group = vector_group(static_cast<unsigned>(slot));
  if (group == VECTOR_GROUP_CURRENT_SP0) fatal_raw("exception with SP_EL0 selected", *frame, slot);
  if (group == VECTOR_GROUP_LOWER_A32) fatal_raw("exception from AArch32", *frame, slot);
  // A user access of uaccess.S that faulted returns as faulted; the kernel itself is fine.
  if (vector_kind(slot) == VectorKind::Synchronous && esr_ec(frame->esr) == EC_DABT_CURRENT &&
      uaccess_fixup(*frame)) {
    return;
  }
  if (arm64_exception_depth++ != 0) {
    fatal_raw("exception inside an exception handler", *frame, slot);
  }

  TrapInfo info = decode_exception(*frame, static_cast<unsigned>(slot));
  describe_exception(*frame, static_cast<unsigned>(slot), info);
  if (!g_ready) {
    put("~log arm64: exception during boot: ");
    put(info.banner);
    put("\n~log kernel halted: verdict FAIL\n");
    arch_power_off(false);
  }
  trap_unhandled(info);
}

extern "C" [[noreturn]] void arm64_kernel_stack_overflow(uint64_t sp) {
  using namespace arm64;
  ExceptionFrame frame{};
  frame.esr = ARM64_READ_SYSREG(esr_el1);
  frame.far = ARM64_READ_SYSREG(far_el1);
  frame.elr = ARM64_READ_SYSREG(elr_el1);
  frame.spsr = ARM64_READ_SYSREG(spsr_el1);
  frame.sp = sp;
  fatal_raw("kernel stack overflow (SP outside the kernel stack)", frame, NO_SLOT);
}
