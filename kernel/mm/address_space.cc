#include "kernel/mm/address_space.h"

#include "kernel/lib/string.h"
#include "kernel/mm/maps.h"
#include "kernel/mm/mmu_batch.h"

namespace {

bool same_anon_name(const char* a, const char* b) {
  if (a == b) return true;
  if (a == nullptr || b == nullptr) return false;
  return klib::str_equal(a, b);
}

}  // namespace

AddressSpace::AddressSpace(const AddressSpaceLayout& layout, const VmaAllocator& vmas,
                           const VmaTreeAllocator& nodes, const MmuOps& mmu,
                           const PageSource& pages)
    : m_layout(layout),
      m_vmas(vmas),
      m_mmu(mmu),
      m_pages(pages),
      m_shmem(pages),
      m_brk(layout.brk),
      m_tree(nodes) {
  VERIFY(layout.task_size % PAGE_SIZE == 0 && layout.mmap_window % PAGE_SIZE == 0);
  VERIFY(layout.mmap_window <= layout.task_size && layout.mmap_base <= layout.mmap_window);
  VERIFY(layout.mmap_min_addr < layout.mmap_window && layout.unmapped_base < layout.mmap_window);
}

AddressSpace::~AddressSpace() {
  // exit_mmap: tear down the page tables, free the shmem objects (every VMA goes), then run
  // every VMA's close hook and free it.
  for (Vma* vma = m_tree.find_vma(0); vma != nullptr; vma = m_tree.find_vma(vma->vm_end)) {
    zap(vma->vm_start, vma->vm_end, vma);
  }
  m_shmem.clear();
  Vma* vma = m_tree.find_vma(0);
  while (vma != nullptr) {
    const uint64_t end = vma->vm_end;
    vma->detached_next = nullptr;
    release(vma);
    vma = m_tree.find_vma(end);
  }
  m_tree.clear();
}

bool AddressSpace::can_merge(const Vma& existing, const Vma& proposed) const {
  // is_mergeable_vma() in mm/vma.c. Special mappings have a close hook, which Linux treats as
  // "never merge"; VM_SPECIAL mappings are excluded by flags. Shared anonymous memory merges
  // only with pieces of the same shmem file.
  if ((existing.vm_flags | proposed.vm_flags) & VM_SPECIAL) return false;
  if (existing.special != nullptr || proposed.special != nullptr) return false;
  if (((existing.vm_flags ^ proposed.vm_flags) & ~VM_SOFTDIRTY) != 0) return false;
  if (existing.vm_file != proposed.vm_file) return false;
  if (existing.shmem_inode != proposed.shmem_inode) return false;
  return same_anon_name(existing.anon_name, proposed.anon_name);
}

Result<void> AddressSpace::plan_replace(uint64_t start, uint64_t end, Plan& plan) const {
  // One walk from the VMA holding start - 1 (or the first one above it) up to the one holding
  // end: every VMA it meets ends above start - 1 and starts at or below end.
  VMA_ITERATOR(vmi, m_tree, start > 0 ? start - 1 : 0);
  const uint64_t bound = end < VmaTree::ADDRESS_END ? end + 1 : end;
  Vma* vma;
  for_each_vma_range(vmi, vma, bound) {
    if (start > 0 && vma->vm_start < start) plan.prev = vma;
    if (vma->vm_end > end) plan.next = vma;
    if (vma->vm_start < end && vma->vm_end > start) {
      plan.overlaps = true;
      if (vma->vm_start >= start && vma->vm_end <= end) plan.covered++;
    }
  }
  plan.split = plan.prev != nullptr && plan.prev == plan.next;
  const bool prev_cut = plan.prev != nullptr && plan.prev->vm_end > start;
  const bool next_cut = plan.next != nullptr && plan.next->vm_start < end;
  // __split_vma asks vm_ops->may_split, which special mappings answer with -EINVAL.
  if (prev_cut && plan.prev->special != nullptr) return Error::Invalid;
  if (next_cut && plan.next->special != nullptr) return Error::Invalid;
  // vms_gather_munmap_vmas refuses a split that would take the count past the limit.
  if (plan.split && m_tree.count() >= m_layout.max_map_count) return Error::NoMemory;
  return {};
}

Result<void> AddressSpace::replace(uint64_t start, uint64_t end, const Vma* proposed,
                                   const Vma* no_merge) {
  Plan plan;
  TRY(plan_replace(start, end, plan));
  if (proposed == nullptr && !plan.overlaps) return {};
  Vma* const prev = plan.prev;
  Vma* const next = plan.next;

  // vma_merge_new_range(): prev must end where the new range starts with the offset continuing
  // its own, next must start where it ends with its offset continuing the new one's.
  bool merge_prev = false;
  bool merge_next = false;
  const uint64_t new_pages = (end - start) >> PAGE_SHIFT;
  // can_vma_merge_left/right(): each side's anon_vma must accept the proposed one, and when
  // both sides merge, prev's and next's must accept each other.
  if (proposed != nullptr && prev != nullptr && prev != no_merge && can_merge(*prev, *proposed) &&
      anon_vma_mergeable(proposed->anon_vma, *prev)) {
    merge_prev = prev->vm_pgoff + ((start - prev->vm_start) >> PAGE_SHIFT) == proposed->vm_pgoff;
  }
  if (proposed != nullptr && next != nullptr && next != no_merge && can_merge(*next, *proposed) &&
      anon_vma_mergeable(proposed->anon_vma, *next) &&
      (!merge_prev || anon_vmas_compatible(*prev, *next))) {
    const uint64_t next_pgoff_at_end = next->vm_pgoff + ((end - next->vm_start) >> PAGE_SHIFT);
    merge_next = next_pgoff_at_end == proposed->vm_pgoff + new_pages;
  }
  // Inside one VMA both tests compare the same linear offsets; keep them in step regardless.
  if (plan.split) merge_next = merge_prev;

  Vma* fresh = nullptr;
  Vma* tail = nullptr;
  if (proposed != nullptr && !merge_prev && !merge_next) {
    fresh = m_vmas.alloc(m_vmas.context);
    if (fresh == nullptr) return Error::NoMemory;
  }
  if (plan.split && !merge_prev) {
    tail = m_vmas.alloc(m_vmas.context);
    if (tail == nullptr) {
      if (fresh != nullptr) m_vmas.free(m_vmas.context, fresh);
      return Error::NoMemory;
    }
  }

  // Link the VMAs about to leave the tree while they can still be found.
  Vma* detached = nullptr;
  if (plan.covered > 0) {
    VMA_ITERATOR(vmi, m_tree, start);
    Vma* vma;
    for_each_vma_range(vmi, vma, end) {
      if (vma->vm_start < start || vma->vm_end > end) continue;
      vma->detached_next = detached;
      detached = vma;
    }
  }

  // One store rewrites the whole affected span; it is the only step that can fail, and then it
  // has changed nothing.
  uint64_t store_start = start;
  uint64_t store_end = end;
  Vma* entry = fresh;
  if (merge_prev) {
    store_start = prev->vm_start;
    entry = prev;
  }
  if (merge_next) {
    store_end = next->vm_end;
    if (!merge_prev) entry = next;
  }
  Result<void> stored = m_tree.store(store_start, store_end, entry);
  if (stored.is_error()) {
    for (Vma* vma = detached; vma != nullptr;) {
      Vma* following = vma->detached_next;
      vma->detached_next = nullptr;
      vma = following;
    }
    if (fresh != nullptr) m_vmas.free(m_vmas.context, fresh);
    if (tail != nullptr) m_vmas.free(m_vmas.context, tail);
    return stored.error();
  }

  // From here on nothing fails: bring the VMA objects in line with the tree.
  if (tail != nullptr) {
    *tail = *prev;
    tail->vm_start = end;
    tail->vm_pgoff = prev->vm_pgoff + ((end - prev->vm_start) >> PAGE_SHIFT);
    tail->detached_next = nullptr;
    // An exact-range store never allocates.
    MUST(m_tree.store(end, tail->vm_end, tail));
  }
  Vma* merged_away = nullptr;
  if (merge_prev && merge_next) {
    if (next != prev) merged_away = next;
    prev->vm_end = next->vm_end;
  } else if (merge_prev) {
    prev->vm_end = end;
  } else if (merge_next) {
    next->vm_start = start;
    next->vm_pgoff = proposed->vm_pgoff;
  }
  // dup_anon_vma(): the merged VMA keeps its anon_vma, or takes the one the others had (the
  // merge checks made every anon_vma involved equal or absent).
  if (merge_prev && prev->anon_vma == 0) {
    prev->anon_vma = merge_next && next->anon_vma != 0 ? next->anon_vma : proposed->anon_vma;
  }
  if (!merge_prev && merge_next && next->anon_vma == 0) next->anon_vma = proposed->anon_vma;
  if (!merge_prev && prev != nullptr && prev->vm_end > start) prev->vm_end = start;
  if (!merge_next && !plan.split && next != nullptr && next->vm_start < end) {
    next->vm_pgoff += (end - next->vm_start) >> PAGE_SHIFT;
    next->vm_start = end;
  }
  if (fresh != nullptr) {
    *fresh = *proposed;
    fresh->vm_start = start;
    fresh->vm_end = end;
    fresh->detached_next = nullptr;
  }

  // The old contents of [start, end) go even when a merge kept the VMA (MAP_FIXED over a
  // compatible mapping still gives zero-filled pages).
  if (plan.overlaps) zap(start, end, detached);
  release(detached);
  if (merged_away != nullptr) m_vmas.free(m_vmas.context, merged_away);
  return {};
}

namespace {

bool owned_by_spec(const Vma* unowned, uint64_t va) {
  for (const Vma* vma = unowned; vma != nullptr; vma = vma->detached_next) {
    if (vma->special != nullptr && va >= vma->vm_start && va < vma->vm_end) return true;
  }
  return false;
}

bool maps_shmem(const VmaTree& tree, uint64_t inode) {
  VMA_ITERATOR(vmi, tree, 0);
  Vma* vma;
  for_each_vma(vmi, vma) {
    if (vma->shmem_inode == inode) return true;
  }
  return false;
}

struct PresentPage {
  bool present;
  uint64_t pa;
};

bool note_present(void* cookie, uint64_t, uint64_t pa, MmuAccess) {
  *static_cast<PresentPage*>(cookie) = PresentPage{true, pa};
  return false;
}

}  // namespace

void AddressSpace::zap(uint64_t start, uint64_t end, const Vma* unowned) {
  // The batch's pages are freed only after their translations are gone and flushed from the TLB.
  uint64_t cursor = start;
  for (;;) {
    const MmuBatch batch = mmu_gather(m_mmu, cursor, end);
    const uint64_t upto = batch.full() ? batch.resume() : end;
    m_mmu.unmap(m_mmu.context, cursor, upto);
    for (uint32_t i = 0; i < batch.count; i++) {
      // zap_present_ptes(): the zero page is no normal page; nothing is freed for it.
      if (batch.pa[i] == m_pages.zero_page) continue;
      if (owned_by_spec(unowned, batch.va[i]) || m_shmem.owns(batch.pa[i])) continue;
      m_pages.free(m_pages.context, batch.pa[i]);
    }
    if (upto == end) return;
    cursor = upto;
  }
}

bool AddressSpace::page_present(uint64_t va, uint64_t* pa) const {
  PresentPage found{false, 0};
  m_mmu.walk(m_mmu.context, va, va + PAGE_SIZE, note_present, &found);
  if (pa != nullptr) *pa = found.pa;
  return found.present;
}

void AddressSpace::release(Vma* detached) {
  while (detached != nullptr) {
    Vma* following = detached->detached_next;
    detached->detached_next = nullptr;
    const SpecialMapping* spec = detached->special;
    if (spec != nullptr && spec->close != nullptr) {
      spec->close(*spec, *this, *detached, spec->context);
    }
    const uint64_t inode = detached->shmem_inode;
    m_vmas.free(m_vmas.context, detached);
    // A detached VMA is out of the tree, so the tree holds exactly the object's other VMAs.
    if (inode != 0 && m_shmem.has_object(inode) && !maps_shmem(m_tree, inode)) {
      m_shmem.drop(inode);
    }
    detached = following;
  }
}

Result<void> AddressSpace::munmap(uint64_t start, uint64_t len) {
  // do_vmi_munmap(): len <= task_size - start also keeps PAGE_ALIGN(len) from wrapping.
  const uint64_t task_size = m_layout.task_size;
  if ((start & ~PAGE_MASK) != 0 || start > task_size || len > task_size - start) {
    return Error::Invalid;
  }
  const uint64_t end = start + kstd::align_up(len, PAGE_SIZE);
  if (end == start) return Error::Invalid;
  return replace(start, end, nullptr);
}

Result<Vma*> AddressSpace::install_special_mapping(uint64_t addr, uint64_t len, VmFlags flags,
                                                   const SpecialMapping& spec) {
  uint64_t end = 0;
  if (len == 0 || ((addr | len) & ~PAGE_MASK) != 0 || !kstd::checked_add(addr, len, &end) ||
      end > m_layout.task_size) {
    return Error::Invalid;
  }
  if (m_tree.find_vma_intersection(addr, end) != nullptr) return Error::NoMemory;
  Vma* vma = m_vmas.alloc(m_vmas.context);
  if (vma == nullptr) return Error::NoMemory;
  *vma = Vma{};
  vma->vm_start = addr;
  vma->vm_end = end;
  vma->vm_flags = (flags | VM_DONTEXPAND | VM_SOFTDIRTY) & ~VM_LOCKED_MASK;
  vma->special = &spec;
  Result<void> inserted = m_tree.insert(addr, end, vma);
  if (inserted.is_error()) {
    m_vmas.free(m_vmas.context, vma);
    return inserted.error();
  }
  return vma;
}

void AddressSpace::render_maps(Sink& sink) const {
  const MapsNaming naming{m_layout.start_brk, m_brk, m_layout.start_stack};
  VMA_ITERATOR(vmi, m_tree, 0);
  Vma* vma;
  for_each_vma(vmi, vma) maps_show_vma(sink, *vma, naming);
}
