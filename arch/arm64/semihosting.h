// Semihosting: how the arm64 kernel hands its verdict to QEMU as the exit status.
//
// Whether it is enabled is not guessed: the host runner always passes
// -semihosting-config enable=on,target=native, and boot checks it by probing one harmless call
// (SYS_ERRNO) with the vectors installed. Disabled semihosting makes HLT #0xF000 an undefined
// instruction; the exception handler recognises the probe's address, records "unavailable" and
// skips the instruction. Apart from the probe, nothing executes HLT #0xF000 unless it succeeded.
#pragma once

#include <stdint.h>

#include <stddef.h>

#include "arch/arm64/exception_frame.h"
#include "kernel/lib/result.h"

namespace arm64 {

enum class SemihostingState : uint8_t { Unprobed, Available, Unavailable };

// Semihosting operation numbers (Semihosting for AArch32 and AArch64, 2.0, chapter 5).
constexpr uint64_t SYS_OPEN = 0x01;
constexpr uint64_t SYS_CLOSE = 0x02;
constexpr uint64_t SYS_WRITE = 0x05;
constexpr uint64_t SYS_ERRNO = 0x13;
constexpr uint64_t SYS_EXIT = 0x18;
// SYS_EXIT reason: ADP_Stopped_ApplicationExit; the second word is the exit status.
constexpr uint64_t ADP_STOPPED_APPLICATION_EXIT = 0x20026;

// Runs the probe once; later calls return the recorded answer. Needs VBAR_EL1 set.
SemihostingState semihosting_probe();
SemihostingState semihosting_state();

// SYS_EXIT with `status` as QEMU's exit status. Returns only if semihosting is not Available.
void semihosting_exit(uint32_t status);

// SYS_OPEN of a host file for writing from its start ("wb", mode 5), SYS_WRITE and SYS_CLOSE.
// Error::NotSupported when semihosting is not Available, Error::Io when the host refuses
// (open returns -1, or write leaves bytes unwritten).
Result<uint64_t> semihosting_create(const char* path);
Result<void> semihosting_write(uint64_t handle, const void* data, size_t size);
Result<void> semihosting_close(uint64_t handle);

// For the exception handler: true when the frame is the probe's undefined HLT, in which case it
// has been recorded and ELR_EL1 moved past the instruction.
bool semihosting_probe_trapped(ExceptionFrame& frame);

}  // namespace arm64
