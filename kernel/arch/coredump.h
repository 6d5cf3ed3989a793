// Coredump contract: what each arch adds to a core file (Linux's regset view and
// arch/*/kernel/elfcore.c). arch_core_thread lays out the thread's registers as the arch's
// NT_PRSTATUS pr_reg and its other regset notes, in the core's byte order (the kernel's own) and
// in the arch's regset order; arch_core_extra_segments gives the extra program headers and data
// (arm64's MTE tag segments, the tags of the pages the process's page tables map) or nullptr.
#pragma once

#include <stdint.h>

#include "kernel/arch/user.h"
#include "kernel/coredump/core_writer.h"
#include "kernel/coredump/memtag_segments.h"
#include "kernel/mm/mmu_ops.h"

// Room for the largest arch's registers and notes: powerpc's 384-byte pr_reg, 264-byte FP,
// 544-byte VMX and 256-byte VSX images and its DSCR and TAR; and arm64's eight notes after
// NT_PRSTATUS.
inline constexpr size_t ARCH_CORE_BYTES = 1536;
inline constexpr size_t ARCH_CORE_NOTES = 8;

struct ArchCoreThread {
  CoreThread thread;
  CoreNote notes[ARCH_CORE_NOTES];
  alignas(16) uint8_t bytes[ARCH_CORE_BYTES];  // what thread.pr_reg and the notes point into
};

// Fills `out` from the saved user state; `out` must stay where it is while the core is written.
void arch_core_thread(const UserContext* context, ArchCoreThread& out);
// What the extra segment hooks read while the core is written.
struct ArchCoreExtra {
  MmuOps mmu;  // the process's page tables: where a dumped page's frame is
  CoreTagSource tags;
  CoreExtraSegments hooks;
};
// The extra segment hooks for a core of the process whose page tables `mmu` has, built in `out`
// (which must stay where it is while the core is written), or nullptr when the arch has none.
const CoreExtraSegments* arch_core_extra_segments(const MmuOps& mmu, ArchCoreExtra& out);
