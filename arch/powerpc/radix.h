// The radix MMU's process table, process IDs and TLB invalidation (Power ISA v3.0B Book III,
// "Radix Tree Translation", "Process Table" and "tlbie").
//
// How the kernel sees memory: it runs in real mode (MSR.IR = MSR.DR = 0) at its physical
// addresses, as the loader entered it, and only user programs run translated. Relocating the
// kernel into quadrant 3 (0xc000...) as Linux does would mean a second link address and a
// relocation step at boot for no gain on one CPU; real mode also keeps every trap path free of
// translation faults. The one exception is user memory: the user-access helpers turn MSR.DR on
// for their loads and stores, so the user address goes through the program's tree and the
// kernel's buffer through quadrant 3, which process-table entry 0 (the kernel's tree) maps onto
// RAM with privileged 1 GiB pages, as Linux's linear map does. With data relocation on, radix
// KUAP applies: the AMR blocks privileged access to problem-state pages except inside those
// helpers.
//
// Each user address space has a PID of its own, and PIDR selects the one whose tree translates
// quadrant 0 (EA bits 0:1 = 0b00). With no address space active PIDR is NO_USER_PID, whose tree
// is empty: PIDR = 0 would translate quadrant 0 through the kernel's tree as well.
#pragma once

#include <stdint.h>

#include "kernel/lib/result.h"

namespace radix {

// PIDs the process table has entries for; 0 and NO_USER_PID belong to the kernel.
inline constexpr uint32_t PID_COUNT = 256;
inline constexpr uint32_t NO_USER_PID = 1;

// Every tree's root: 2^13 entries (64 KiB, aligned to its size) for a 52-bit address space.
inline constexpr uint64_t ROOT_INDEX_BITS = 13;
inline constexpr uint64_t ROOT_BYTES = uint64_t{8} << ROOT_INDEX_BITS;

// Quadrant 3 of the kernel's tree: KERNEL_LINEAR + pa reaches physical pa for pa below
// KERNEL_LINEAR_SIZE, for privileged data accesses only. It covers more than any pseries guest's
// RAM; an address past RAM machine-checks there exactly as it does in real mode.
inline constexpr uint64_t KERNEL_LINEAR = 0xc000'0000'0000'0000;
inline constexpr uint64_t KERNEL_LINEAR_SIZE = uint64_t{512} << 30;

// Registers the process table with the hypervisor (H_REGISTER_PROC_TBL) with the kernel's tree
// in entry 0 and the empty one in NO_USER_PID, sets PIDR = NO_USER_PID and blocks the kernel's
// access to user pages in the AMR. Error::NotSupported when the hypervisor refuses (no radix
// MMU).
Result<void> init();

// A free PID in (NO_USER_PID, PID_COUNT). Error::NoMemory when all are in use.
Result<uint32_t> alloc_pid();
// Returns a PID from alloc_pid(); its process-table entry must already be cleared.
void free_pid(uint32_t pid);

// Points `pid`'s process-table entry at a radix tree whose 64 KiB root is at physical `root`
// (0: no tree) and drops whatever the processor cached for that PID.
void set_process_table_entry(uint32_t pid, uint64_t root);

// Makes `pid`'s tree translate quadrant 0.
void set_current_pid(uint32_t pid);
uint32_t current_pid();

// Invalidates the translation of the 4 KiB page at `va` under `pid` (tlbie RIC=0 PRS=1 R=1 IS=0)
// and waits until every processor has done so. The PTE change must already be stored.
void flush_page(uint32_t pid, uint64_t va);
// Invalidates every translation, page-walk cache entry and process-table cache entry of `pid`
// (tlbie RIC=2 PRS=1 R=1 IS=1).
void flush_pid(uint32_t pid);

}  // namespace radix
