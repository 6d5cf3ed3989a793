// A virtual memory area: one mapped range [vm_start, vm_end) of an address space, Linux's
// struct vm_area_struct reduced to what Maplet's address space uses. The VMA tree never looks
// inside a Vma (it keeps its own copy of the range), so this struct can grow freely; the address
// space keeps vm_start/vm_end equal to the range the tree stores.
#pragma once

#include <stdint.h>

#include "kernel/mm/page_allocator.h"
#include "kernel/mm/vm_flags.h"

struct SpecialMapping;

// A minimal in-kernel file: what a file-backed VMA needs to be named, compared and read. Two
// VMAs map the same file iff they point at the same VmFile. The bytes are read in place (a span
// of the initramfs, say) and must outlive every mapping of the file; the device and inode are
// what /proc/PID/maps shows, and the caller picks them (fixed per file).
struct VmFile {
  const char* path = nullptr;  // shown in /proc/PID/maps
  uint64_t size = 0;           // bytes
  uint32_t dev_major = 0;
  uint32_t dev_minor = 0;
  uint64_t inode = 0;
  const uint8_t* data = nullptr;  // size bytes; nullptr reads as zeros
  // A tmpfs (shmem) file, whose mappings may carry MTE tags like anonymous memory (arm64's
  // arch_calc_vm_flag_bits(): shmem_file()).
  bool shmem = false;

  // Pages the file spans, the last one partly past the end.
  uint64_t pages() const { return (size >> PAGE_SHIFT) + ((size & ~PAGE_MASK) != 0 ? 1 : 0); }
};

struct Vma {
  uint64_t vm_start = 0;  // first address of the range
  uint64_t vm_end = 0;    // one past the last address (half-open)
  VmFlags vm_flags = 0;   // VM_* bits, Linux's values
  // Offset of vm_start in pages: into the file for a file mapping; vm_start >> PAGE_SHIFT for a
  // private anonymous one, so that adjacent anonymous VMAs have contiguous offsets and merge.
  uint64_t vm_pgoff = 0;
  const VmFile* vm_file = nullptr;          // nullptr: anonymous
  const char* anon_name = nullptr;          // user-chosen name of an anonymous VMA, or nullptr
  const SpecialMapping* special = nullptr;  // set for "[vdso]"-style kernel-installed mappings
  // Shared anonymous memory is a shmem file in Linux (shmem_zero_setup(), "/dev/zero" on the
  // internal shm mount): the inode number of that file, which split pieces and mremap copies
  // keep; 0 for anything else. vm_file stays nullptr.
  uint64_t shmem_inode = 0;
  // That file's size in pages, the length of the mmap that made it (shmem_zero_setup()); a
  // fault at an object index at or past it is SIGBUS (shmem_get_folio_gfp() refuses an index
  // past i_size), so a mapping grown by mremap faults only within the object.
  uint64_t shmem_pages = 0;
  // Identity of Linux's vma->anon_vma: 0 until the first fault that makes a private page of
  // its own (a write, or a stack growth), then an id that split pieces share and that a
  // neighbour may reuse (find_mergeable_anon_vma). Merges compare it (is_mergeable_anon_vma).
  uint64_t anon_vma = 0;
  // Links the VMAs an operation took out of the tree until their close hooks have run (Linux
  // gathers them in a side maple tree); nullptr otherwise.
  Vma* detached_next = nullptr;

  uint64_t size() const { return vm_end - vm_start; }
  uint64_t pages() const { return size() >> PAGE_SHIFT; }
  bool is_anonymous() const { return vm_file == nullptr; }
};

// is_mergeable_anon_vma(proposed, existing.anon_vma, &existing) of mm/vma.c: one side without
// an anon_vma is fine only when existing's anon_vma_chain is singular, which (without fork) is
// when existing has one; an empty chain is not singular, so a range with an anon_vma never
// merges into a VMA without one.
inline bool anon_vma_mergeable(uint64_t proposed, const Vma& existing) {
  return proposed == 0 || proposed == existing.anon_vma;
}

// are_anon_vmas_compatible(): the same test with no chain to look at, for prev and next when a
// range merges with both.
inline bool anon_vmas_compatible(const Vma& prev, const Vma& next) {
  return prev.anon_vma == 0 || next.anon_vma == 0 || prev.anon_vma == next.anon_vma;
}
