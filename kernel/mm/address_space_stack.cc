// Stack growth on a fault below a VM_GROWSDOWN VMA: Linux's expand_downwards and
// acct_stack_growth (mm/mmap.c, v6.12).

#include "kernel/mm/address_space.h"

bool AddressSpace::expand_stack(Vma& vma, uint64_t addr) {
  if ((vma.vm_flags & VM_GROWSDOWN) == 0) return false;
  // FIRST_USER_ADDRESS is 0 on arm64 and powerpc, so mmap_min_addr is the only floor.
  const uint64_t address = addr & PAGE_MASK;
  if (address < m_layout.mmap_min_addr) return false;
  // The guard gap is kept only from a VMA that can be accessed and is not a stack itself.
  Vma* prev = nullptr;
  m_tree.find_vma_prev(addr, &prev);
  if (prev != nullptr && (prev->vm_flags & VM_GROWSDOWN) == 0 &&
      (prev->vm_flags & VM_ACCESS_FLAGS) != 0 &&
      address - prev->vm_end < m_layout.stack_guard_gap) {
    return false;
  }
  // expand_downwards() makes sure of the anon_vma before it checks the size, so a growth the
  // checks below refuse still leaves the VMA one.
  set_anon_vma(vma, prepare_anon_vma(vma));
  const uint64_t grow = (vma.vm_start - address) >> PAGE_SHIFT;
  if (grow > vma.vm_pgoff) return false;
  // acct_stack_growth: RLIMIT_STACK bounds the whole VMA, then the growth is charged (RLIMIT_AS
  // and the mlock limit are unlimited here).
  if (vma.vm_end - address > m_layout.stack_rlimit) return false;
  if (charge(grow).is_error()) return false;
  // Nothing lies in [address, vm_start) (find_vma returned vma), and the VMA's own range lies
  // inside the stored one, so the store needs no memory.
  MUST(m_tree.store(address, vma.vm_end, &vma));
  vma.vm_start = address;
  vma.vm_pgoff -= grow;
  return true;
}

void AddressSpace::undo_expand_stack(Vma& vma, uint64_t old_start) {
  // Clearing the bottom of a range is not strictly inside it: no memory needed.
  MUST(m_tree.store(vma.vm_start, old_start, nullptr));
  vma.vm_pgoff += (old_start - vma.vm_start) >> PAGE_SHIFT;
  vma.vm_start = old_start;
}
