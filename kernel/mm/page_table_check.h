// The consistency check of one address space against its real page tables (maplet.check_mm,
// run after every mm system call): the VMA tree's own invariants (VmaTree::validate), then every
// present translation below task_size, as MmuOps::walk reports it, must
//   - lie inside a VMA;
//   - be a user entry (no privileged translation in the user half);
//   - grant no more than its VMA allows: VM_READ/VM_WRITE/VM_EXEC of the VMA, with read implied
//     by write (no write-only page exists) and by exec where the layout says so
//     (AddressSpaceLayout::exec_implies_read), VM_MTE only in a VM_MTE VMA and VM_ARM64_BTI only
//     in a VM_ARM64_BTI VMA;
//   - be guarded (VM_ARM64_BTI) wherever its VMA is, once it grants any access;
//   - grant no write access when it maps the shared zero page (AddressSpace::zero_page).
// "No more than", not "equal": the zero page is read-only inside a writable private VMA until a
// write copies it, and a PROT_NONE page keeps a present translation with no access.
#pragma once

#include <stdint.h>

#include "kernel/mm/address_space.h"
#include "kernel/mm/mmu_ops.h"

struct PageTableCheck {
  const char* problem = nullptr;  // nullptr: consistent; else what was wrong first (static text)
  bool tree = false;              // the problem is the VMA tree's (validate's description)
  uint64_t va = 0;                // the first offending translation
  VmFlags granted = 0;            // what it grants (MmuAccess::flags)
  VmFlags allowed = 0;            // what its VMA allows (0 outside every VMA)
  uint64_t offending = 0;         // how many translations were wrong
  bool ok() const { return problem == nullptr; }
};

// The access bits a translation inside `vma` may grant in an address space with `layout`.
VmFlags vma_allowed_access(const Vma& vma, const AddressSpaceLayout& layout);

PageTableCheck check_page_tables(const AddressSpace& mm, const MmuOps& mmu);
