// brk: the system call of Linux's mm/mmap.c with check_brk_limits() and do_brk_flags() (v6.12).
// It never returns an error: failure is the old break coming back.

#include "kernel/mm/address_space.h"

uint64_t AddressSpace::brk(uint64_t brk) {
  const uint64_t orig = m_brk;
  if (brk < m_layout.start_brk) return orig;
  uint64_t new_brk = 0;
  if (!kstd::checked_align_up(brk, PAGE_SIZE, &new_brk)) return orig;
  const uint64_t old_brk = kstd::align_up(m_brk, PAGE_SIZE);
  if (old_brk == new_brk) {
    m_brk = brk;
    return brk;
  }

  if (brk <= m_brk) {
    // Linux gives up when nothing at all is mapped where the heap shrinks from.
    if (m_tree.find_vma_intersection(new_brk, old_brk) == nullptr) return orig;
    if (munmap(new_brk, old_brk - new_brk).is_error()) return orig;
    m_brk = brk;
    return brk;
  }

  const uint64_t len = new_brk - old_brk;
  if (get_unmapped_area(old_brk, len, MAP_FIXED).is_error()) return orig;
  // One page must stay free between the heap and the next mapping.
  const Vma* next = m_tree.find_vma(old_brk);
  if (next != nullptr && new_brk + PAGE_SIZE > start_gap(*next)) return orig;
  if (m_tree.count() > m_layout.max_map_count) return orig;
  if (charge(len / PAGE_SIZE).is_error()) return orig;

  // do_brk_flags(): the heap is always accounted.
  Vma proposed;
  proposed.vm_flags = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_ACCOUNT;
  if (m_layout.mte) proposed.vm_flags |= VM_MTE_ALLOWED;
  proposed.vm_pgoff = old_brk >> PAGE_SHIFT;
  // vma_prev_limit(vmi, start_brk): only a VMA inside the heap area is extended, never one
  // that ends right at start_brk.
  Vma* heap = old_brk > m_layout.start_brk ? m_tree.vma_lookup(old_brk - 1) : nullptr;
  if (heap != nullptr && can_merge(*heap, proposed) &&
      heap->vm_pgoff + heap->pages() == proposed.vm_pgoff) {
    // The store covers the heap VMA wholly: it needs no node.
    MUST(m_tree.store(heap->vm_start, new_brk, heap));
    heap->vm_end = new_brk;
  } else {
    Vma* fresh = m_vmas.alloc(m_vmas.context);
    if (fresh == nullptr) return orig;
    *fresh = proposed;
    fresh->vm_start = old_brk;
    fresh->vm_end = new_brk;
    if (m_tree.insert(old_brk, new_brk, fresh).is_error()) {
      m_vmas.free(m_vmas.context, fresh);
      return orig;
    }
  }
  m_brk = brk;
  return brk;
}
