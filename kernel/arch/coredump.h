// Coredump contract: what each arch adds to a core file (Linux's regset view and
// arch/*/kernel/elfcore.c). arch_core_thread lays out the thread's registers as the arch's
// NT_PRSTATUS pr_reg and its other regset notes, in the core's byte order (the kernel's own) and
// in the arch's regset order; arch_core_extra_segments gives the extra program headers and data
// (arm64's MTE tag segments) or nullptr.
#pragma once

#include <stdint.h>

#include "kernel/arch/user.h"
#include "kernel/coredump/core_writer.h"

// Room for the largest arch's registers and notes: powerpc's 384-byte pr_reg, 264-byte FP,
// 544-byte VMX and 256-byte VSX images.
inline constexpr size_t ARCH_CORE_BYTES = 1536;
inline constexpr size_t ARCH_CORE_NOTES = 4;

struct ArchCoreThread {
  CoreThread thread;
  CoreNote notes[ARCH_CORE_NOTES];
  alignas(16) uint8_t bytes[ARCH_CORE_BYTES];  // what thread.pr_reg and the notes point into
};

// Fills `out` from the saved user state; `out` must stay where it is while the core is written.
void arch_core_thread(const UserContext* context, ArchCoreThread& out);
// The extra segment hooks for a core of `vmas`, or nullptr when the arch has none.
const CoreExtraSegments* arch_core_extra_segments();
