// The radix MMU's process table, process IDs and TLB invalidation (Power ISA v3.0B Book III,
// "Radix Tree Translation", "Process Table" and "tlbie").
//
// How the kernel sees memory: it runs in real mode (MSR.IR = MSR.DR = 0) at its physical
// addresses, as the loader entered it, and only user programs run translated. Relocating the
// kernel into quadrant 3 (0xc000...) as Linux does would mean a second link address and a
// relocation step at boot for no gain on one CPU; real mode also keeps every trap path free of
// translation faults. Process-table entry 0 is the kernel's own tree, empty today: it is the
// place for a quadrant-3 map of RAM once the kernel's user-memory accessors run with MSR.DR on
// (which radix KUAP through the AMR needs). Each user address space has a PID of its own, and
// PIDR selects the one whose tree translates quadrant 0 (EA bits 0:1 = 0b00).
#pragma once

#include <stdint.h>

#include "kernel/lib/result.h"

namespace radix {

// PIDs the process table has entries for; 0 belongs to the kernel.
inline constexpr uint32_t PID_COUNT = 256;

// Registers the process table with the hypervisor (H_REGISTER_PROC_TBL) with entry 0 pointing at
// an empty tree and PIDR = 0, so every translated access faults until a user tree is active.
// Error::NotSupported when the hypervisor refuses (no radix MMU).
Result<void> init();

// A free PID in [1, PID_COUNT). Error::NoMemory when all are in use.
Result<uint32_t> alloc_pid();
// Returns a PID from alloc_pid(); its process-table entry must already be cleared.
void free_pid(uint32_t pid);

// Points `pid`'s process-table entry at a radix tree whose 64 KiB root is at physical `root`
// (0: no tree) and drops whatever the processor cached for that PID.
void set_process_table_entry(uint32_t pid, uint64_t root);

// Makes `pid`'s tree translate quadrant 0 (0: the kernel's empty tree).
void set_current_pid(uint32_t pid);
uint32_t current_pid();

// Invalidates the translation of the 4 KiB page at `va` under `pid` (tlbie RIC=0 PRS=1 R=1 IS=0)
// and waits until every processor has done so. The PTE change must already be stored.
void flush_page(uint32_t pid, uint64_t va);
// Invalidates every translation, page-walk cache entry and process-table cache entry of `pid`
// (tlbie RIC=2 PRS=1 R=1 IS=1).
void flush_pid(uint32_t pid);

}  // namespace radix
