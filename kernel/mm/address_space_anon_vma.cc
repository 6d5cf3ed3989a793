// anon_vma identity: how a VMA gets one and which merges it permits (Linux's mm/vma.c and
// mm/rmap.c, v6.12). There is no fork here, so every VMA that has an anon_vma is on exactly one
// anon_vma chain (list_is_singular holds) and one without has an empty chain.

#include "kernel/mm/address_space.h"

namespace {

// anon_vma_compatible() of mm/vma.c: a and b touch, map the same file at linear offsets, and
// differ in access bits and VM_SOFTDIRTY at most.
bool anon_vma_compatible(const Vma& a, const Vma& b) {
  return a.vm_end == b.vm_start && a.vm_file == b.vm_file &&
         ((a.vm_flags ^ b.vm_flags) & ~(VM_ACCESS_FLAGS | VM_SOFTDIRTY)) == 0 &&
         b.vm_pgoff == a.vm_pgoff + a.pages();
}

}  // namespace

uint64_t AddressSpace::prepare_anon_vma(const Vma& vma) {
  if (vma.anon_vma != 0) return vma.anon_vma;
  // find_mergeable_anon_vma(): the next VMA first, then the previous one.
  const Vma* next = m_tree.vma_lookup(vma.vm_end);
  if (next != nullptr && next->anon_vma != 0 && anon_vma_compatible(vma, *next)) {
    return next->anon_vma;
  }
  const Vma* prev = vma.vm_start > 0 ? m_tree.vma_lookup(vma.vm_start - 1) : nullptr;
  if (prev != nullptr && prev->anon_vma != 0 && anon_vma_compatible(*prev, vma)) {
    return prev->anon_vma;
  }
  // anon_vma_alloc(): ids are never reused, so a freed anon_vma cannot alias a live one.
  return m_last_anon_vma + 1;
}

void AddressSpace::set_anon_vma(Vma& vma, uint64_t anon_vma) {
  vma.anon_vma = anon_vma;
  m_last_anon_vma = kstd::max(m_last_anon_vma, anon_vma);
}
