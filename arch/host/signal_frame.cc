// Host stand-in for the signal-frame contract: host tests have no user mode, so no frame can be
// built or read back; the neutral signal state is tested on the host without them.
#include "kernel/arch/signal_frame.h"

size_t arch_signal_frame_max_size() { return 0; }
Result<SignalFrameLayout> arch_signal_frame_build(const UserContext*, const SignalFrameRequest&,
                                                  void*) {
  return Error::NotSupported;
}
void arch_signal_frame_enter(UserContext*, const SignalFrameRequest&, const SignalFrameLayout&) {}
void arch_signal_delivery_done(UserContext*) {}
Result<SignalFrameLayout> arch_signal_return_frame(const UserContext*) { return Error::Fault; }
size_t arch_signal_return_mask_offset() { return 0; }
void arch_signal_return_unreadable(UserContext*) {}
bool arch_signal_return_failed(UserContext*) { return false; }
Result<SignalReturn> arch_signal_frame_restore(UserContext*, const void*) { return Error::Fault; }
uint64_t arch_signal_min_stack_size() { return 2048; }
uint64_t arch_signal_frame_min_stack_size() { return 0; }
