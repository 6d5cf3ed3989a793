#include "arch/arm64/semihosting.h"

#include "arch/arm64/esr.h"
#include "kernel/lib/string.h"

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

Result<uint64_t> semihosting_create(const char* path) {
  if (g_state != SemihostingState::Available) return Error::NotSupported;
  constexpr uint64_t MODE_WB = 5;  // the fopen() mode index of "wb"
  const uint64_t block[3] = {reinterpret_cast<uint64_t>(path), MODE_WB, klib::str_length(path)};
  const uint64_t handle = arm64_semihosting_call(SYS_OPEN, reinterpret_cast<uint64_t>(block));
  if (handle == ~uint64_t{0}) return Error::Io;
  return handle;
}

Result<void> semihosting_write(uint64_t handle, const void* data, size_t size) {
  if (g_state != SemihostingState::Available) return Error::NotSupported;
  const uint64_t block[3] = {handle, reinterpret_cast<uint64_t>(data), size};
  // The result is the number of bytes not written.
  if (arm64_semihosting_call(SYS_WRITE, reinterpret_cast<uint64_t>(block)) != 0) return Error::Io;
  return {};
}

Result<void> semihosting_close(uint64_t handle) {
  if (g_state != SemihostingState::Available) return Error::NotSupported;
  const uint64_t block[1] = {handle};
  if (arm64_semihosting_call(SYS_CLOSE, reinterpret_cast<uint64_t>(block)) != 0) return Error::Io;
  return {};
}

bool semihosting_probe_trapped(ExceptionFrame& frame) {
  if (!g_probing || esr_ec(frame.esr) != EC_UNKNOWN) return false;
  if (frame.elr != reinterpret_cast<uint64_t>(arm64_semihosting_trap)) return false;
  g_state = SemihostingState::Unavailable;
  frame.elr += 4;
  return true;
}

}  // namespace arm64
