// madvise: do_madvise, madvise_walk_vmas, madvise_dontneed_free, madvise_cold and
// madvise_pageout, and madvise_vma_behavior's flag changes (Linux's mm/madvise.c, v6.12).

#include "kernel/mm/address_space.h"

namespace {

bool changes_flags(int advice) {
  return advice == MADV_NORMAL || advice == MADV_RANDOM || advice == MADV_SEQUENTIAL ||
         advice == MADV_DONTFORK || advice == MADV_DOFORK;
}

// The flags a VMA has after a flag-changing advice.
VmFlags advised_flags(VmFlags flags, int advice) {
  switch (advice) {
    case MADV_NORMAL:
      return flags & ~(VM_RAND_READ | VM_SEQ_READ);
    case MADV_SEQUENTIAL:
      return (flags & ~VM_RAND_READ) | VM_SEQ_READ;
    case MADV_RANDOM:
      return (flags & ~VM_SEQ_READ) | VM_RAND_READ;
    case MADV_DONTFORK:
      return flags | VM_DONTCOPY;
    default:  // MADV_DOFORK
      return flags & ~VM_DONTCOPY;
  }
}

}  // namespace

Result<void> AddressSpace::advise_flags(Vma* vma, uint64_t start, uint64_t end, int advice) {
  if (advice == MADV_DOFORK && (vma->vm_flags & VM_IO)) return Error::Invalid;
  const VmFlags flags = advised_flags(vma->vm_flags, advice);
  if (flags == vma->vm_flags) return {};
  const bool cut_below = vma->vm_start < start;
  const bool cut_above = vma->vm_end > end;
  // special_mapping_split() refuses; vma_modify() then fails with its error.
  if ((cut_below || cut_above) && vma->special != nullptr) return Error::Invalid;
  if (cut_below) {
    Result<Vma*> upper = split_vma(vma, start);
    if (upper.is_error()) return upper.error() == Error::NoMemory ? Error::Again : upper.error();
    vma = upper.value();
  }
  if (cut_above) {
    Result<Vma*> upper = split_vma(vma, end);
    if (upper.is_error()) return upper.error() == Error::NoMemory ? Error::Again : upper.error();
  }
  vma->vm_flags = flags;
  merge_range(start, end);
  return {};
}

Result<void> AddressSpace::madvise(uint64_t start, uint64_t len, int advice) {
  const bool reclaim = advice == MADV_COLD || advice == MADV_PAGEOUT;
  if (advice != MADV_DONTNEED && advice != MADV_DONTNEED_LOCKED && advice != MADV_WILLNEED &&
      !reclaim && !changes_flags(advice)) {
    return Error::Invalid;
  }
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
    const uint64_t upto = kstd::min(vma->vm_end, end);
    if (changes_flags(advice)) {
      TRY(advise_flags(vma, cursor, upto, advice));  // vma may be merged away
    } else if (reclaim) {
      // can_madv_lru_vma(); with no swap, reclaim can take only droppable pages (their folios
      // are not swap-backed and go even when dirty), which then read back as zeros.
      if ((vma->vm_flags & (VM_LOCKED | VM_PFNMAP | VM_HUGETLB)) != 0) return Error::Invalid;
      if (advice == MADV_PAGEOUT && (vma->vm_flags & VM_DROPPABLE)) zap(cursor, upto, vma);
    } else if (advice != MADV_WILLNEED) {
      VmFlags forbidden = VM_PFNMAP;
      if (advice != MADV_DONTNEED_LOCKED) forbidden |= VM_LOCKED;
      if ((vma->vm_flags & forbidden) != 0) return Error::Invalid;
      // A shared file mapping's page is its only copy of the data (see the header): it stays.
      // Shared anonymous memory loses only its translations (zap leaves shmem pages alone).
      // The VMA, alone on the list (a VMA in the tree has no detached_next), is the one whose
      // pages may be a spec's.
      if ((vma->vm_flags & VM_SHARED) == 0 || vma->shmem_inode != 0) zap(cursor, upto, vma);
    }
    cursor = upto;
    if (cursor >= end) break;
  }
  if (hole) return Error::NoMemory;
  return {};
}
