// VMA flag bits with Linux's values (include/linux/mm.h, v6.12), so a VMA's flags compare
// directly against what Linux would hold and /proc/PID/maps renders them the same way.
// Flags that Linux compiles to 0 under some configurations (VM_SOFTDIRTY without
// CONFIG_MEM_SOFT_DIRTY, VM_MTE without CONFIG_ARM64_MTE) carry their configured bit here.
#pragma once

#include <stdint.h>

using VmFlags = uint64_t;

inline constexpr VmFlags VM_NONE = 0;

// Access bits. mprotect relies on VM_MAYxxx >> 4 == VM_xxx, as Linux does.
inline constexpr VmFlags VM_READ = 0x00000001;
inline constexpr VmFlags VM_WRITE = 0x00000002;
inline constexpr VmFlags VM_EXEC = 0x00000004;
inline constexpr VmFlags VM_SHARED = 0x00000008;
inline constexpr VmFlags VM_MAYREAD = 0x00000010;
inline constexpr VmFlags VM_MAYWRITE = 0x00000020;
inline constexpr VmFlags VM_MAYEXEC = 0x00000040;
inline constexpr VmFlags VM_MAYSHARE = 0x00000080;

inline constexpr VmFlags VM_GROWSDOWN = 0x00000100;
inline constexpr VmFlags VM_UFFD_MISSING = 0x00000200;
inline constexpr VmFlags VM_PFNMAP = 0x00000400;
inline constexpr VmFlags VM_UFFD_WP = 0x00001000;
inline constexpr VmFlags VM_LOCKED = 0x00002000;
inline constexpr VmFlags VM_IO = 0x00004000;
inline constexpr VmFlags VM_SEQ_READ = 0x00008000;
inline constexpr VmFlags VM_RAND_READ = 0x00010000;
inline constexpr VmFlags VM_DONTCOPY = 0x00020000;
inline constexpr VmFlags VM_DONTEXPAND = 0x00040000;
inline constexpr VmFlags VM_LOCKONFAULT = 0x00080000;
inline constexpr VmFlags VM_ACCOUNT = 0x00100000;
inline constexpr VmFlags VM_NORESERVE = 0x00200000;
inline constexpr VmFlags VM_HUGETLB = 0x00400000;
inline constexpr VmFlags VM_SYNC = 0x00800000;
inline constexpr VmFlags VM_ARCH_1 = 0x01000000;
// arm64's BTI guarded pages (PROT_BTI; the GP bit of their translations). arm64 is the only arch
// here that uses VM_ARCH_1, and mprotect clears it unless asked again (VM_ARCH_CLEAR).
inline constexpr VmFlags VM_ARM64_BTI = VM_ARCH_1;
inline constexpr VmFlags VM_ARCH_CLEAR = VM_ARM64_BTI;
inline constexpr VmFlags VM_WIPEONFORK = 0x02000000;
inline constexpr VmFlags VM_DONTDUMP = 0x04000000;
inline constexpr VmFlags VM_SOFTDIRTY = 0x08000000;  // CONFIG_MEM_SOFT_DIRTY
inline constexpr VmFlags VM_MIXEDMAP = 0x10000000;
inline constexpr VmFlags VM_HUGEPAGE = 0x20000000;
inline constexpr VmFlags VM_NOHUGEPAGE = 0x40000000;
inline constexpr VmFlags VM_MERGEABLE = 0x80000000;

// The high arch bits start at bit 32 (VM_HIGH_ARCH_BIT_0); arm64 puts MTE there
// (arch/arm64/include/asm/mman.h via include/linux/mm.h, CONFIG_ARM64_MTE).
inline constexpr VmFlags VM_HIGH_ARCH_0 = VmFlags{1} << 32;
inline constexpr VmFlags VM_HIGH_ARCH_1 = VmFlags{1} << 33;
inline constexpr VmFlags VM_MTE = VM_HIGH_ARCH_0;          // tag checking enabled
inline constexpr VmFlags VM_MTE_ALLOWED = VM_HIGH_ARCH_1;  // PROT_MTE may be set
inline constexpr VmFlags VM_DROPPABLE = VmFlags{1} << 40;  // VM_DROPPABLE_BIT on 64-bit

inline constexpr VmFlags VM_STACK = VM_GROWSDOWN;
inline constexpr VmFlags VM_ACCESS_FLAGS = VM_READ | VM_WRITE | VM_EXEC;
// What a VMA's present translations carry of its flags (MmuOps): the access bits, tag checking
// and the BTI guard.
inline constexpr VmFlags VM_TRANSLATION_FLAGS = VM_ACCESS_FLAGS | VM_MTE | VM_ARM64_BTI;
// Mappings the generic code must not merge, expand or treat as ordinary pages.
inline constexpr VmFlags VM_SPECIAL = VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP;
inline constexpr VmFlags VM_LOCKED_MASK = VM_LOCKED | VM_LOCKONFAULT;

// The access bits of a read-only (copy-on-write) translation of a page in memory whose access
// bits are `access`, such as the zero page's: write taken away, read kept where write implied it
// (Linux's protection maps give private VM_WRITE memory PAGE_READONLY on arm64 and powerpc).
inline constexpr VmFlags cow_access(VmFlags access) {
  return (access & VM_WRITE) != 0 ? (access & ~VM_WRITE) | VM_READ : access;
}
