// Where a new program's address space puts things, as Linux 6.12 decides for a 64-bit task with
// the default 8 MiB stack rlimit: the stack top (randomize_stack_top(), mm/util.c), mmap_base
// (arch_pick_mmap_layout() and mmap_base() in mm/util.c: top-down below a gap of the stack
// rlimit plus the guard gap plus the stack's random range, clamped to [128 MiB, 5/6 of
// STACK_TOP], minus the mmap random offset), TASK_UNMAPPED_BASE (a quarter of the default map
// window) and the randomised break (arch_randomize_brk(): within 1 GiB above start_brk).
// randomize_va_space=2 is the default; `randomize` false is Linux's norandmaps.
#pragma once

#include <stdint.h>

#include "kernel/proc/process_arch.h"

struct NewMmLayout {
  uint64_t stack_top;
  uint64_t mmap_base;
  uint64_t unmapped_base;
};

// Random words come from `random` (the kernel's source; a test passes its own).
NewMmLayout new_mm_layout(const ProcessArch& arch, bool randomize, uint64_t (*random)());

// randomize_page(start, range) for the break: start plus a random number of pages below
// range, start itself when randomisation is off.
uint64_t randomize_brk(uint64_t start_brk, bool randomize, uint64_t (*random)());

inline constexpr uint64_t STACK_RLIMIT = uint64_t{8} << 20;  // _STK_LIM
