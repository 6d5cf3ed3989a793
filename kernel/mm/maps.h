// /proc/PID/maps rendering, byte for byte as Linux's fs/proc/task_mmu.c show_map_vma() prints it:
//
//   start-end perms offset major:minor inode[ padding name]\n
//
// Addresses are lowercase hex of at least 8 digits, perms are r/w/x from VM_READ/WRITE/EXEC and
// 's' or 'p' from VM_MAYSHARE (not VM_SHARED), the offset is hex of at least 8 digits, the device
// numbers hex of at least 2, the inode decimal. The prefix always ends with one space; a named
// line pads that prefix with spaces to MAPS_NAME_COLUMN - 1 characters (the seq_setwidth of a
// 64-bit kernel: 25 + 6 * sizeof(void*) - 1 = 72) and adds one more space, so every name starts
// at column 73; an unnamed line ends with the space after the inode.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/format.h"
#include "kernel/mm/vm_flags.h"

inline constexpr size_t MAPS_NAME_COLUMN = 73;

// One line's fields, already resolved (offset in bytes, name chosen by precedence).
struct MapsLine {
  uint64_t start = 0;
  uint64_t end = 0;
  VmFlags flags = 0;
  uint64_t offset = 0;  // vm_pgoff << PAGE_SHIFT for a file mapping, else 0
  uint32_t dev_major = 0;
  uint32_t dev_minor = 0;
  uint64_t inode = 0;
  const char* name = nullptr;  // nullptr or "" for no name
  bool anon_name = false;      // name is a user-chosen anonymous name, shown as "[anon:NAME]"
  bool shmem = false;  // with anon_name: it names shared anonymous memory, "[anon_shmem:NAME]"
};

// Writes the line, newline included.
void maps_render_line(Sink& sink, const MapsLine& line);

struct Vma;

// What decides the "[heap]" and "[stack]" names (mm->start_brk, mm->brk, mm->start_stack).
struct MapsNaming {
  uint64_t start_brk = 0;
  uint64_t brk = 0;
  uint64_t start_stack = 0;
};

// The name /proc/PID/maps shows for vma, by get_vma_name()'s precedence: the file path, the
// special mapping's name, "/dev/zero (deleted)" for shared anonymous memory, "[heap]" for a VMA
// overlapping [start_brk, brk), "[stack]" for the one holding start_stack, the anonymous name;
// nullptr for none. *anon_name tells whether the result is a user-chosen anonymous name (printed as
// "[anon:NAME]").
const char* maps_vma_name(const Vma& vma, const MapsNaming& naming, bool* anon_name);

// Writes vma's line: offset vm_pgoff << PAGE_SHIFT and the file's device and inode for a file
// mapping, zeros for an anonymous one.
void maps_show_vma(Sink& sink, const Vma& vma, const MapsNaming& naming);
