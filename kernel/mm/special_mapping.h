// A special mapping: a VMA the kernel installs itself ("[vdso]", "[vvar]"), Linux's
// struct vm_special_mapping (include/linux/mm_types.h). The spec owns the name, the backing pages
// and the hooks; the VMA only points at it. Such a VMA is never merged with a neighbour, never
// split (a partial munmap fails with Error::Invalid) and never grows (VM_DONTEXPAND).
//
// Hooks are plain function pointers taking the spec, the VMA and the spec's context (the mremap
// and close hooks also the address space the VMA belongs to, Linux's vma->vm_mm, so that they can
// keep its MmContext right), so the same spec works in both kernels and in host tests without
// virtual dispatch.
#pragma once

#include <stdint.h>

#include "kernel/lib/result.h"

struct Vma;
struct SpecialMapping;
class AddressSpace;

// Resolves a fault at page `pgoff` of the mapping to the physical address of the page to map.
// Error::Fault becomes SIGBUS.
using SpecialFaultFn = Result<uint64_t> (*)(const SpecialMapping& spec, Vma& vma, uint64_t pgoff,
                                            void* context);
// Called after the mapping moved to new_vma; an error refuses the move (powerpc's vdso_mremap
// refuses a size change with Error::Invalid).
using SpecialMremapFn = Result<void> (*)(const SpecialMapping& spec, AddressSpace& mm, Vma& new_vma,
                                         void* context);
// Called when the VMA goes away: on munmap, and on the old VMA after a successful mremap
// (powerpc's vdso_close forgets the VDSO address only if vma->vm_start still matches it).
using SpecialCloseFn = void (*)(const SpecialMapping& spec, AddressSpace& mm, Vma& vma,
                                void* context);

struct SpecialMapping {
  const char* name = nullptr;       // shown in /proc/PID/maps, e.g. "[vdso]"
  const uint64_t* pages = nullptr;  // physical addresses, page_count of them; unused with fault
  uint64_t page_count = 0;
  SpecialFaultFn fault = nullptr;    // optional
  SpecialMremapFn mremap = nullptr;  // optional
  SpecialCloseFn close = nullptr;    // optional
  void* context = nullptr;           // passed to every hook
};

// The physical page backing page `pgoff` of a special mapping (special_mapping_fault in
// mm/mmap.c): the fault hook if set, else pages[pgoff]. Error::Fault past the last page or when
// the spec has neither.
Result<uint64_t> special_mapping_page(const SpecialMapping& spec, Vma& vma, uint64_t pgoff);
