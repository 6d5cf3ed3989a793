#include "arch/arm64/semihosting.h"

#include "arch/arm64/esr.h"

extern "C" uint64_t arm64_semihosting_call(uint64_t operation, uint64_t parameter);
extern "C" char arm64_semihosting_trap[];

namespace arm64 {
namespace {

SemihostingState g_state = SemihostingState::Unprobed;
bool g_probing = false;

}  // namespace

SemihostingState semihosting_probe() {
  if (g_state != SemihostingState::Unprobed) return g_state;
  g_probing = true;
  asm volatile("" ::: "memory");
  arm64_semihosting_call(SYS_ERRNO, 0);
  asm volatile("" ::: "memory");
  g_probing = false;
  if (g_state == SemihostingState::Unprobed) g_state = SemihostingState::Available;
  return g_state;
}

SemihostingState semihosting_state() { return g_state; }

void semihosting_exit(uint32_t status) {
  if (g_state != SemihostingState::Available) return;
  const uint64_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, status};
  arm64_semihosting_call(SYS_EXIT, reinterpret_cast<uint64_t>(block));
}

bool semihosting_probe_trapped(ExceptionFrame& frame) {
  if (!g_probing || esr_ec(frame.esr) != EC_UNKNOWN) return false;
  if (frame.elr != reinterpret_cast<uint64_t>(arm64_semihosting_trap)) return false;
  g_state = SemihostingState::Unavailable;
  frame.elr += 4;
  return true;
}

}  // namespace arm64
