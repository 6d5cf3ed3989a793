// The coredump's stable picture of an address space (Linux's dump_vma_snapshot in
// fs/coredump.c): one CoreVma per VMA, taken with the VMA iterator before anything is written,
// each with how much of it goes into the core (vma_dump_size). The writer then works from this
// array only, so nothing it does (reading pages, a special mapping's fault hook) can move a VMA
// under it: walking live VMAs while dumping was a real Linux bug.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"
#include "kernel/mm/vma.h"
#include "kernel/mm/vma_tree.h"

struct CoreVma {
  uint64_t start = 0;
  uint64_t end = 0;
  VmFlags flags = 0;
  uint64_t pgoff = 0;
  uint64_t dump_size = 0;  // bytes from start that the core holds: 0, one page, or end - start
  const VmFile* file = nullptr;
  const SpecialMapping* special = nullptr;
  // The live VMA, for a page reader that must resolve a special mapping's page through its
  // spec (special_mapping_page); the writer itself never looks at it.
  Vma* vma = nullptr;

  uint64_t size() const { return end - start; }
};

// What a core's memory is read through: the bytes of the page at va (page aligned, inside
// `vma`), readable for PAGE_SIZE bytes, or nullptr when no page is there (never touched), which
// the core holds as zeros. It must not allocate or fault a page in for an anonymous VMA.
struct CoreMemory {
  const uint8_t* (*page)(void* context, const CoreVma& vma, uint64_t va);
  void* context;
};

// coredump_filter bits (include/linux/sched/coredump.h, MMF_DUMP_*) and the default, 0x33:
// private and shared anonymous memory, ELF headers, private hugetlb.
inline constexpr unsigned CORE_DUMP_ANON_PRIVATE = 1u << 0;
inline constexpr unsigned CORE_DUMP_ANON_SHARED = 1u << 1;
inline constexpr unsigned CORE_DUMP_MAPPED_PRIVATE = 1u << 2;
inline constexpr unsigned CORE_DUMP_MAPPED_SHARED = 1u << 3;
inline constexpr unsigned CORE_DUMP_ELF_HEADERS = 1u << 4;
inline constexpr unsigned CORE_DUMP_HUGETLB_PRIVATE = 1u << 5;
inline constexpr unsigned CORE_DUMP_HUGETLB_SHARED = 1u << 6;
inline constexpr unsigned CORE_DUMP_FILTER_DEFAULT = 0x33;

// vma_dump_size's rules, in its order: a named special mapping ("[vdso]", "[vvar]") whole;
// VM_DONTDUMP nothing; hugetlb by the HUGETLB_* bits; VM_IO nothing; shared memory whole by
// ANON_SHARED (no file: Linux's unlinked shmem file) or MAPPED_SHARED; a private VMA with an
// anon_vma whole by ANON_PRIVATE; anonymous without one nothing; a private file mapping whole by
// MAPPED_PRIVATE, else with ELF_HEADERS its first page when vm_pgoff is 0 and it is readable
// (CORE_DUMP_MAYBE_ELF_HEADER: the caller keeps it only if the page starts with the ELF magic;
// Maplet's files carry no mode bits, so the magic decides for executables too); else nothing.
inline constexpr uint64_t CORE_DUMP_MAYBE_ELF_HEADER = 1;
uint64_t core_vma_dump_size(const Vma& vma, unsigned filter);

// Snapshots every VMA of `tree` in address order into out[0..tree.count()) and returns the
// count; then resolves each CORE_DUMP_MAYBE_ELF_HEADER through `memory` (one page if it starts
// with "\177ELF", else 0). Error::Invalid when capacity < tree.count().
Result<size_t> core_vma_snapshot(const VmaTree& tree, unsigned filter, const CoreMemory& memory,
                                 CoreVma* out, size_t capacity);
