// The powerpc signal-frame contract (kernel/arch/signal_frame.h), not built yet: no frame can be
// set up, so a caught signal becomes force_sigsegv's SIGSEGV and rt_sigreturn finds no frame.
// Blocking, ignoring, default actions and sigaltstack work as on arm64.
#include "kernel/arch/signal_frame.h"

namespace {
constexpr uint64_t MINSIGSTKSZ = 8192;  // arch/powerpc/include/uapi/asm/signal.h, 64-bit
}

size_t arch_signal_frame_max_size() { return 0; }
Result<SignalFrameLayout> arch_signal_frame_build(const UserContext*, const SignalFrameRequest&,
                                                  void*) {
  return Error::NotSupported;
}
void arch_signal_frame_enter(UserContext*, const SignalFrameRequest&, const SignalFrameLayout&) {}
Result<SignalFrameLayout> arch_signal_return_frame(const UserContext*) { return Error::Fault; }
Result<SignalReturn> arch_signal_frame_restore(UserContext*, const void*) { return Error::Fault; }
uint64_t arch_signal_min_stack_size() { return MINSIGSTKSZ; }
