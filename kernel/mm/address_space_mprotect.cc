// mprotect: do_mprotect_pkey() and mprotect_fixup() of Linux's mm/mprotect.c (v6.12), with the
// split and merge helpers of mm/vma.c it relies on. Linux checks each VMA as it goes and leaves
// the earlier ones changed when a later one fails; here every check runs first, in the same
// order so that the same error wins, then the VMAs before the failing one change, as Linux's.
// Only running out of memory in a split changes nothing.

#include "kernel/mm/address_space.h"
#include "kernel/mm/mmu_batch.h"

void AddressSpace::protect_pages(uint64_t start, uint64_t end, VmFlags prot) {
  if ((prot & VM_WRITE) == 0) {
    m_mmu.protect(m_mmu.context, start, end, prot);
    return;
  }
  // change_pte_range() makes a present page writable only when it is an exclusive anonymous
  // page (can_change_pte_writable()); the zero page stays read-only and a write copies it. The
  // range goes in runs of zero-page and other translations; a hole joins the run it lies in,
  // since protect() leaves what is not present alone.
  uint64_t run_start = start;
  bool run_zero = false;
  uint64_t cursor = start;
  for (;;) {
    const MmuBatch batch = mmu_gather(m_mmu, cursor, end);
    for (uint32_t i = 0; i < batch.count; i++) {
      const bool zero = batch.pa[i] == m_pages.zero_page;
      if (zero == run_zero) continue;
      if (batch.va[i] > run_start) {
        m_mmu.protect(m_mmu.context, run_start, batch.va[i], run_zero ? cow_access(prot) : prot);
      }
      run_start = batch.va[i];
      run_zero = zero;
    }
    if (!batch.full()) break;
    cursor = batch.resume();
  }
  m_mmu.protect(m_mmu.context, run_start, end, run_zero ? cow_access(prot) : prot);
}

bool AddressSpace::mergeable(const Vma& left, const Vma& right) const {
  // vma_merge_extend() growing left into right: left's anon_vma is the proposed one.
  return left.vm_end == right.vm_start && can_merge(left, right) &&
         left.vm_pgoff + left.pages() == right.vm_pgoff && anon_vma_mergeable(left.anon_vma, right);
}

Result<Vma*> AddressSpace::split_vma(Vma* vma, uint64_t addr) {
  VERIFY(vma->vm_start < addr && addr < vma->vm_end);
  Vma* upper = m_vmas.alloc(m_vmas.context);
  if (upper == nullptr) return Error::NoMemory;
  Result<void> stored = m_tree.store(addr, vma->vm_end, upper);
  if (stored.is_error()) {
    m_vmas.free(m_vmas.context, upper);
    return stored.error();
  }
  *upper = *vma;
  upper->vm_start = addr;
  upper->vm_pgoff = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
  upper->detached_next = nullptr;
  vma->vm_end = addr;
  return upper;
}

void AddressSpace::unsplit_vma(Vma* lower, Vma* upper) {
  // The store covers both pieces wholly, so it needs no node.
  MUST(m_tree.store(lower->vm_start, upper->vm_end, lower));
  lower->vm_end = upper->vm_end;
  m_vmas.free(m_vmas.context, upper);
}

void AddressSpace::merge_pair(Vma* left, Vma* right) {
  // Covers right wholly: needs no node. Neither side is special (can_merge), so no close hook
  // runs for the VMA that goes.
  MUST(m_tree.store(left->vm_start, right->vm_end, left));
  left->vm_end = right->vm_end;
  if (left->anon_vma == 0) left->anon_vma = right->anon_vma;  // dup_anon_vma()
  m_vmas.free(m_vmas.context, right);
}

void AddressSpace::merge_range(uint64_t start, uint64_t end) {
  Vma* left = start > 0 ? m_tree.vma_lookup(start - 1) : nullptr;
  if (left == nullptr) left = m_tree.find_vma(start);
  while (left != nullptr && left->vm_end <= end) {
    Vma* right = m_tree.vma_lookup(left->vm_end);
    if (right == nullptr) {
      left = m_tree.find_vma(left->vm_end);
      continue;
    }
    if (!mergeable(*left, *right)) {
      left = right;
      continue;
    }
    merge_pair(left, right);
  }
}

Result<void> AddressSpace::mprotect(uint64_t start, uint64_t len, int prot) {
  const int grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
  prot &= ~grows;
  if (grows == (PROT_GROWSDOWN | PROT_GROWSUP)) return Error::Invalid;
  if ((start & ~PAGE_MASK) != 0) return Error::Invalid;
  if (len == 0) return {};
  uint64_t end = 0;
  uint64_t aligned_len = 0;
  if (!kstd::checked_align_up(len, PAGE_SIZE, &aligned_len) ||
      !kstd::checked_add(start, aligned_len, &end)) {
    return Error::NoMemory;
  }
  // arch_validate_prot(): the generic bits, plus PROT_BTI and PROT_MTE where the CPU has them
  // (arm64).
  const int supported = PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM |
                        (m_layout.bti ? PROT_BTI : 0) | (m_layout.mte ? PROT_MTE : 0);
  if ((prot & ~supported) != 0) return Error::Invalid;

  Vma* vma = m_tree.find_vma_intersection(start, end);
  if (vma == nullptr) return Error::NoMemory;
  if (grows & PROT_GROWSDOWN) {
    start = vma->vm_start;
    if (!(vma->vm_flags & VM_GROWSDOWN)) return Error::Invalid;
  } else {
    if (vma->vm_start > start) return Error::NoMemory;
    if (grows & PROT_GROWSUP) return Error::Invalid;
  }

  VmFlags prot_bits = static_cast<VmFlags>(prot) & VM_ACCESS_FLAGS;
  if (m_layout.bti && (prot & PROT_BTI)) prot_bits |= VM_ARM64_BTI;
  if (m_layout.mte && (prot & PROT_MTE)) prot_bits |= VM_MTE;
  // mprotect_fixup(): making private memory writable charges it and sets VM_ACCOUNT; making it
  // read-only clears VM_ACCOUNT only from anonymous memory that has no anon_vma yet (with
  // pages, the charge cannot be given back). A VMA whose bits do not change keeps its flags.
  // The access bits and VM_ARCH_CLEAR are replaced by what prot asks (mask_off_old_flags).
  auto new_flags = [prot_bits](const Vma& v) {
    VmFlags flags = prot_bits | (v.vm_flags & ~(VM_ACCESS_FLAGS | VM_ARCH_CLEAR));
    if (flags == v.vm_flags) return flags;
    if (flags & VM_WRITE) {
      if (!(v.vm_flags & (VM_ACCOUNT | VM_WRITE | VM_HUGETLB | VM_SHARED | VM_NORESERVE))) {
        flags |= VM_ACCOUNT;
      }
    } else if ((v.vm_flags & VM_ACCOUNT) && v.is_anonymous() && v.special == nullptr &&
               v.anon_vma == 0) {
      flags &= ~VM_ACCOUNT;
    }
    return flags;
  };

  // The checks of Linux's loop, VMA by VMA.
  bool split_start = false;
  bool split_end = false;
  // The first failing VMA stops Linux's loop with the VMAs before it already changed: the
  // error is returned once [start, stop) has been changed.
  uint64_t count = m_tree.count();
  uint64_t reached = vma->vm_start;
  bool failed = false;
  Error failure = Error::NoMemory;
  uint64_t stop = end;
  auto fail_at = [&](Error e, uint64_t at) {
    failed = true;
    failure = e;
    stop = kstd::max(at, start);
  };
  {
    VMA_ITERATOR(vmi, m_tree, start);
    Vma* v;
    for_each_vma_range(vmi, v, end) {
      if (v->vm_start != reached) {
        fail_at(Error::NoMemory, reached);
        break;
      }
      const VmFlags flags = new_flags(*v);
      // VM_MAYxxx >> 4 == VM_xxx: every access asked for must be allowed by its MAY bit.
      if ((flags & ~(flags >> 4)) & VM_ACCESS_FLAGS) {
        fail_at(Error::Access, v->vm_start);
        break;
      }
      if ((flags & VM_MTE) && !(flags & VM_MTE_ALLOWED)) {
        fail_at(Error::Invalid, v->vm_start);
        break;
      }
      // mprotect_fixup() leaves a VMA whose flags stay the same alone: no split, no merge.
      if (flags != v->vm_flags) {
        const bool cut_below = v->vm_start < start;
        const bool cut_above = v->vm_end > end;
        // The charge for the part of v in the range, before its splits.
        if ((flags & VM_ACCOUNT) && !(v->vm_flags & VM_ACCOUNT) &&
            charge((kstd::min(v->vm_end, end) - kstd::max(v->vm_start, start)) / PAGE_SIZE)
                .is_error()) {
          fail_at(Error::NoMemory, v->vm_start);
          break;
        }
        if ((cut_below || cut_above) && v->special != nullptr) {
          fail_at(Error::Invalid, v->vm_start);
          break;
        }
        // split_vma() refuses once the count has reached the limit. (When the second split of
        // one VMA is refused, Linux keeps the first; here that VMA stays whole.)
        const uint64_t splits = (cut_below ? 1 : 0) + (cut_above ? 1 : 0);
        if (splits != 0 && count + splits > m_layout.max_map_count) {
          fail_at(Error::NoMemory, v->vm_start);
          break;
        }
        count += splits;
        split_start = split_start || cut_below;
        split_end = cut_above;
      }
      reached = kstd::min(v->vm_end, end);
    }
  }
  if (!failed && reached < end) fail_at(Error::NoMemory, reached);
  end = stop;
  if (failed && end == start) return failure;

  // Splits are the only steps that can fail; the second one undoes the first on failure.
  Vma* first = nullptr;
  Vma* upper = nullptr;
  if (split_start) {
    first = m_tree.vma_lookup(start);
    upper = TRY(split_vma(first, start));
  }
  if (split_end) {
    Result<Vma*> tail = split_vma(m_tree.vma_lookup(end - 1), end);
    if (tail.is_error()) {
      if (upper != nullptr) unsplit_vma(first, upper);
      return tail.error();
    }
  }

  // vma_modify_flags(): each changed VMA merges with the neighbours it now matches; unchanged
  // ones keep their boundaries (brk leaves one at start_brk that Linux does not merge).
  uint64_t cursor = start;
  while (cursor < end) {
    Vma* v = m_tree.vma_lookup(cursor);
    const VmFlags flags = new_flags(*v);
    if (flags != v->vm_flags) {
      // mprotect_fixup(): locked private memory made writable is faulted in for write, so that
      // its pages are its own (copy-on-write broken) and stay so.
      const bool populates =
          (v->vm_flags & (VM_WRITE | VM_SHARED | VM_LOCKED)) == VM_LOCKED && (flags & VM_WRITE);
      const uint64_t piece_start = v->vm_start;
      const uint64_t piece_end = v->vm_end;
      v->vm_flags = flags;
      protect_pages(v->vm_start, v->vm_end, flags & VM_TRANSLATION_FLAGS);
      // vma_merge_existing_range(): v's anon_vma is the proposed one on both sides, and prev's
      // and next's must accept each other when both merge (can_vma_merge_right()). The next
      // VMA is either past the range or unchanged: it cannot match before it changes.
      Vma* left = v->vm_start > 0 ? m_tree.vma_lookup(v->vm_start - 1) : nullptr;
      Vma* right = m_tree.vma_lookup(v->vm_end);
      const bool merge_left =
          left != nullptr && left->vm_end == v->vm_start && can_merge(*left, *v) &&
          left->vm_pgoff + left->pages() == v->vm_pgoff && anon_vma_mergeable(v->anon_vma, *left);
      const bool merge_right = right != nullptr && can_merge(*right, *v) &&
                               v->vm_pgoff + v->pages() == right->vm_pgoff &&
                               anon_vma_mergeable(v->anon_vma, *right) &&
                               (!merge_left || anon_vmas_compatible(*left, *right));
      if (merge_left) {
        merge_pair(left, v);
        v = left;
      }
      if (merge_right) merge_pair(v, right);
      if (populates) populate(piece_start, piece_end);
    }
    cursor = v->vm_end;
  }
  if (failed) return failure;
  return {};
}
