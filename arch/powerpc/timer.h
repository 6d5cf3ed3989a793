// The timebase (Power ISA v3.0B Book II, "Time Base"): the kernel's monotonic counter.
#pragma once

#include <stdint.h>

#include "kernel/lib/result.h"

// A user program that keeps the CPU is interrupted after this share of a second: the
// decrementer's time slice (arch/powerpc/user.cc).
inline constexpr uint64_t USER_SLICES_PER_SECOND = 100;

namespace timebase {

// Reads the timebase frequency from the first cpu node under /cpus while Open Firmware is
// available. Error::NotFound (after printing why) when there is no cpu node or no
// timebase-frequency; Error::Invalid when it is zero or malformed.
Result<void> init_from_firmware();

// The cpu node's timebase-frequency property exactly as Open Firmware returned it: one or two
// big-endian 32-bit cells. Kept so tests can check the decoding after the firmware is gone.
struct FrequencyProperty {
  uint8_t bytes[8];
  uint32_t length;
};
const FrequencyProperty& firmware_frequency_property();

// Busy-waits for `ticks` of the timebase; usable before init_from_firmware.
void spin(uint64_t ticks);

}  // namespace timebase
