// madvise(MADV_DONTNEED): do_madvise, madvise_walk_vmas and madvise_dontneed_free (Linux's
// mm/madvise.c, v6.12).

#include "kernel/mm/address_space.h"

Result<void> AddressSpace::madvise(uint64_t start, uint64_t len, int advice) {
  if (advice != MADV_DONTNEED && advice != MADV_DONTNEED_LOCKED) return Error::Invalid;
  if ((start & ~PAGE_MASK) != 0) return Error::Invalid;
  // PAGE_ALIGN of a length within a page of 2^64 wraps to 0, which Linux refuses.
  if (len > kstd::U64_MAX - (PAGE_SIZE - 1)) return Error::Invalid;
  uint64_t end = 0;
  if (!kstd::checked_add(start, kstd::align_up(len, PAGE_SIZE), &end)) return Error::Invalid;
  if (end == start) return {};

  // Holes are skipped and reported at the end; a VMA that refuses the advice stops the walk.
  bool hole = false;
  uint64_t cursor = start;
  for (;;) {
    Vma* vma = m_tree.find_vma(cursor);
    if (vma == nullptr) return Error::NoMemory;
    if (cursor < vma->vm_start) {
      hole = true;
      cursor = vma->vm_start;
      if (cursor >= end) break;
    }
    VmFlags forbidden = VM_PFNMAP;
    if (advice != MADV_DONTNEED_LOCKED) forbidden |= VM_LOCKED;
    if ((vma->vm_flags & forbidden) != 0) return Error::Invalid;
    const uint64_t upto = kstd::min(vma->vm_end, end);
    // A shared mapping's page is its only copy of the data (see the header): it stays. The
    // VMA, alone on the list (a VMA in the tree has no detached_next), is the one whose pages
    // may be a spec's.
    if ((vma->vm_flags & VM_SHARED) == 0) zap(cursor, upto, vma);
    cursor = upto;
    if (cursor >= end) break;
  }
  if (hole) return Error::NoMemory;
  return {};
}
