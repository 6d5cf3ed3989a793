// Host stand-ins for the trap contract: SIGILL from ud2 becomes a TrapInfo handed to the neutral
// trap_unhandled, just as an arch exception vector would, and arch_longjmp tells AddressSanitizer
// that the stack frames it skips are gone.
#include <signal.h>
#include <stdio.h>
#include <ucontext.h>

#include "kernel/arch/context.h"
#include "kernel/arch/trap.h"

extern "C" char host_undefined_instruction[];
extern "C" [[noreturn]] void host_longjmp(JumpBuffer* buffer, int value);
extern "C" void __asan_handle_no_return() __attribute__((weak));

namespace {

void on_sigill(int, siginfo_t* info, void* context) {
  const auto* uc = static_cast<const ucontext_t*>(context);
  TrapInfo trap{};
  trap.kind = TrapKind::UndefinedInstruction;
  trap.pc = static_cast<uint64_t>(uc->uc_mcontext.gregs[REG_RIP]);
  trap.address = reinterpret_cast<uint64_t>(info->si_addr);
  trap.syndrome = static_cast<uint64_t>(info->si_code);
  trap.vector = SIGILL;
  snprintf(trap.banner, sizeof(trap.banner), "SIGILL (code %d) at rip %#llx", info->si_code,
           static_cast<unsigned long long>(trap.pc));
  trap_unhandled(trap);
}

// Installed before main so that a ud2 anywhere in a host test reaches the trap contract. The
// handler leaves by arch_longjmp, so SIGILL must not stay blocked: SA_NODEFER.
[[maybe_unused]] const bool g_installed = [] {
  struct sigaction action {};
  action.sa_sigaction = on_sigill;
  action.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&action.sa_mask);
  return sigaction(SIGILL, &action, nullptr) == 0;
}();

}  // namespace

extern "C" void arch_longjmp(JumpBuffer* buffer, int value) {
  if (__asan_handle_no_return != nullptr) __asan_handle_no_return();
  host_longjmp(buffer, value);
}

uint64_t arch_undefined_instruction_address() {
  return reinterpret_cast<uint64_t>(host_undefined_instruction);
}
