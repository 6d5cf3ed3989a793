#include "kernel/lib/recover.h"

#include "kernel/arch/context.h"
#include "kernel/lib/console.h"
#include "kernel/lib/panic.h"

namespace {

struct Region {
  JumpBuffer jump;
  Fault* fault;
  Region* outer;
};

// The innermost armed region. The kernel runs on one CPU without preemption, so a plain global
// is enough.
Region* g_innermost = nullptr;

void copy_message(Fault* fault, const char* text) {
  format_to_buffer(fault->message, sizeof(fault->message), "%s", text);
}

[[noreturn]] void leave(Fault::Cause cause, const char* message, const TrapInfo* trap) {
  Region* region = g_innermost;
  region->fault->cause = cause;
  if (trap != nullptr) region->fault->trap = *trap;
  copy_message(region->fault, message);
  arch_longjmp(&region->jump, 1);
}

}  // namespace

bool run_recoverable(void (*fn)(void*), void* context, Fault* fault) {
  Region region;
  region.fault = fault;
  region.outer = g_innermost;
  g_innermost = &region;
  if (arch_setjmp(&region.jump) != 0) {
    g_innermost = region.outer;
    return false;
  }
  fn(context);
  g_innermost = region.outer;
  return true;
}

bool recovery_armed() { return g_innermost != nullptr; }

void recover_abort(const char* reason) {
  if (g_innermost == nullptr) PANIC("recover_abort outside a recoverable region: %s", reason);
  leave(Fault::Cause::Abort, reason, nullptr);
}

void recover_from_panic(const char* message) {
  if (g_innermost != nullptr) leave(Fault::Cause::Panic, message, nullptr);
}

void trap_unhandled(const TrapInfo& info) {
  if (g_innermost != nullptr) leave(Fault::Cause::Trap, info.banner, &info);
  PANIC("unhandled trap: %s", info.banner);
}
