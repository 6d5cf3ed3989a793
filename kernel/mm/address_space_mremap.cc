// mremap: the system call, vma_to_resize(), vma_expandable(), mremap_to() and move_vma() of
// Linux's mm/mremap.c (v6.12). Linux changes the address space step by step (unmap the target,
// shrink, copy the VMA, move the page tables, unmap the source); here every check runs first in
// Linux's order, the source is split where it will be cut (undoable without memory), and only
// then does the destination change, so an error leaves the space as it was.

#include "kernel/mm/address_space.h"
#include "kernel/mm/mmu_batch.h"

namespace {

// PAGE_ALIGN as Linux computes it: the last page's lengths wrap to 0.
uint64_t page_align(uint64_t len) { return (len + PAGE_SIZE - 1) & PAGE_MASK; }

}  // namespace

Result<void> AddressSpace::check_resize(const Vma& vma, uint64_t addr, uint64_t old_len,
                                        uint64_t new_len, int flags) const {
  // vma_to_resize(): old_len 0 duplicates a shared mapping and is refused for a private one.
  if (old_len == 0 && !(vma.vm_flags & (VM_SHARED | VM_MAYSHARE))) return Error::Invalid;
  if ((flags & MREMAP_DONTUNMAP) && (vma.vm_flags & (VM_DONTEXPAND | VM_PFNMAP))) {
    return Error::Invalid;
  }
  if (old_len > vma.vm_end - addr) return Error::Fault;
  if (new_len == old_len) return {};
  const uint64_t pgoff = vma.vm_pgoff + ((addr - vma.vm_start) >> PAGE_SHIFT);
  if (pgoff + (new_len >> PAGE_SHIFT) < pgoff) return Error::Invalid;
  if (vma.vm_flags & (VM_DONTEXPAND | VM_PFNMAP)) return Error::Fault;
  return {};
}

bool AddressSpace::expandable(const Vma& vma, uint64_t delta) const {
  uint64_t end = 0;
  if (!kstd::checked_add(vma.vm_end, delta, &end)) return false;
  if (m_tree.find_vma_intersection(vma.vm_end, end) != nullptr) return false;
  return get_unmapped_area(vma.vm_start, end - vma.vm_start, MAP_FIXED).is_ok();
}

Result<uint64_t> AddressSpace::mremap(uint64_t addr, uint64_t old_len, uint64_t new_len, int flags,
                                      uint64_t new_addr) {
  if (flags & ~(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP)) return Error::Invalid;
  if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) return Error::Invalid;
  // MREMAP_DONTUNMAP always moves and never resizes; the lengths compare before rounding.
  if ((flags & MREMAP_DONTUNMAP) && (!(flags & MREMAP_MAYMOVE) || old_len != new_len)) {
    return Error::Invalid;
  }
  if ((addr & ~PAGE_MASK) != 0) return Error::Invalid;
  old_len = page_align(old_len);
  new_len = page_align(new_len);
  if (new_len == 0) return Error::Invalid;
  Vma* vma = m_tree.vma_lookup(addr);
  if (vma == nullptr) return Error::Fault;
  if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) {
    return mremap_to(vma, addr, old_len, new_len, new_addr, flags);
  }

  if (old_len >= new_len) {
    if (old_len > new_len) TRY(munmap(addr + new_len, old_len - new_len));
    return addr;
  }
  TRY(check_resize(*vma, addr, old_len, new_len, flags));
  const uint64_t delta = new_len - old_len;
  if (old_len == vma->vm_end - addr && expandable(*vma, delta)) {
    if (vma->vm_flags & VM_ACCOUNT) TRY(charge(delta / PAGE_SIZE));
    // vma_merge_extend() refuses VM_SPECIAL VMAs, and Linux then fails rather than moves.
    if (vma->vm_flags & VM_SPECIAL) return Error::NoMemory;
    const uint64_t old_end = vma->vm_end;
    const uint64_t new_end = old_end + delta;
    const bool locked = (vma->vm_flags & VM_LOCKED) != 0;
    // The store covers the VMA wholly: it needs no node.
    MUST(m_tree.store(vma->vm_start, new_end, vma));
    vma->vm_end = new_end;
    merge_range(new_end, new_end);
    // A locked mapping has its new pages faulted in (mm_populate() after the lock is dropped).
    if (locked) populate(old_end, new_end);
    return addr;
  }
  if (!(flags & MREMAP_MAYMOVE)) return Error::NoMemory;
  const int map_flags = (vma->vm_flags & VM_MAYSHARE) ? MAP_SHARED : 0;
  const uint64_t target = TRY(get_unmapped_area(0, new_len, map_flags, vma->vm_file != nullptr));
  if (vma->vm_flags & VM_ACCOUNT) TRY(charge(delta / PAGE_SIZE));
  return move_vma(vma, addr, old_len, old_len, target, new_len, false);
}

Result<uint64_t> AddressSpace::mremap_to(Vma* vma, uint64_t addr, uint64_t old_len,
                                         uint64_t new_len, uint64_t new_addr, int flags) {
  const uint64_t task_size = m_layout.task_size;
  if ((new_addr & ~PAGE_MASK) != 0) return Error::Invalid;
  if (new_len > task_size || new_addr > task_size - new_len) return Error::Invalid;
  // Linux's sums are unsigned and wrap: a huge old_len can end "below" addr and miss a target
  // above it, which is then unmapped before the shrink's munmap refuses the length.
  const uint64_t old_end = addr + old_len;
  if (old_end > new_addr && new_addr + new_len > addr) return Error::Invalid;
  if (m_tree.count() + 2 + 3 >= m_layout.max_map_count) return Error::NoMemory;
  // Linux unmaps the target first (MREMAP_FIXED only; without it new_addr is a hint), then
  // shrinks the source, then checks the rest (vma_to_resize(), get_unmapped_area(), the
  // charge): an error found after a step leaves that step done. Here the checks run first, and
  // the steps Linux would have taken before the failing check are taken then; the state they
  // check is the same either way, as the target lies outside the old range (but for the map
  // count the shrink's split is held to, taken before the target went). Only running out of
  // memory in them changes nothing.
  const bool fixed = (flags & MREMAP_FIXED) != 0;
  Plan target;
  if (fixed) TRY(plan_replace(new_addr, new_addr + new_len, target));
  const bool shrinks = old_len > new_len;
  const uint64_t tail = addr + new_len;
  auto fail_after = [&](Error error, bool shrunk) -> Result<uint64_t> {
    if (fixed) TRY(replace(new_addr, new_addr + new_len, nullptr));
    if (shrunk) TRY(munmap(tail, old_len - new_len));
    return error;
  };
  if (shrinks) {
    if (old_len - new_len > task_size || tail > task_size - (old_len - new_len)) {
      return fail_after(Error::Invalid, false);
    }
    Plan shrink;
    Result<void> planned = plan_replace(tail, addr + old_len, shrink);
    if (planned.is_error()) return fail_after(planned.error(), false);
  }
  // With old_len 0 the overlap test lets new_addr == addr through, and unmapping the target
  // takes the source with it: vma_to_resize() then finds nothing at addr.
  if (fixed && old_len == 0 && new_addr == addr) return fail_after(Error::Fault, false);
  const uint64_t move_len = kstd::min(old_len, new_len);
  Result<void> resizable = check_resize(*vma, addr, move_len, new_len, flags);
  if (resizable.is_error()) return fail_after(resizable.error(), shrinks);
  const int map_flags = (fixed ? MAP_FIXED : 0) | ((vma->vm_flags & VM_MAYSHARE) ? MAP_SHARED : 0);
  Result<uint64_t> placed =
      get_unmapped_area(new_addr, new_len, map_flags, vma->vm_file != nullptr);
  if (placed.is_error()) return fail_after(placed.error(), shrinks);
  // move_vma()'s charge: the growth, or with MREMAP_DONTUNMAP the whole copy (the old range
  // stays accounted).
  const bool keep_source = (flags & MREMAP_DONTUNMAP) != 0;
  const uint64_t to_account = keep_source ? new_len : new_len - move_len;
  if ((vma->vm_flags & VM_ACCOUNT) && charge(to_account / PAGE_SIZE).is_error()) {
    return fail_after(Error::NoMemory, shrinks);
  }
  return move_vma(vma, addr, old_len, move_len, placed.value(), new_len, keep_source);
}

bool AddressSpace::move_pages(uint64_t from, uint64_t to, uint64_t len, VmFlags prot) {
  uint64_t cursor = from;
  const uint64_t end = from + len;
  for (;;) {
    const MmuBatch batch = mmu_gather(m_mmu, cursor, end);
    for (uint32_t i = 0; i < batch.count; i++) {
      const uint64_t va = to + (batch.va[i] - from);
      // move_ptes() moves a zero-page entry as it is: still read-only.
      const VmFlags page_prot = batch.pa[i] == m_pages.zero_page ? cow_access(prot) : prot;
      if (m_mmu.map(m_mmu.context, va, batch.pa[i], PAGE_SIZE, page_prot).is_error()) {
        // move_page_tables() moves what it moved back; here the old translations are still in
        // place, so dropping the new ones is enough.
        m_mmu.unmap(m_mmu.context, to, va);
        return false;
      }
    }
    if (!batch.full()) return true;
    cursor = batch.resume();
  }
}

Result<uint64_t> AddressSpace::move_vma(Vma* vma, uint64_t addr, uint64_t remove_len,
                                        uint64_t move_len, uint64_t new_addr, uint64_t new_len,
                                        bool keep_source) {
  // prep_move_vma(): room for splitting both ranges, and a special mapping moves whole.
  if (m_tree.count() + 3 >= m_layout.max_map_count) return Error::NoMemory;
  if (vma->special != nullptr && (vma->vm_start != addr || vma->vm_end != addr + move_len)) {
    return Error::Invalid;
  }
  // The source stays with MREMAP_DONTUNMAP, and with old_len 0 (a duplicate: Linux's munmap
  // of nothing fails and is ignored).
  const bool removes = !keep_source && remove_len != 0;
  const bool was_locked = (vma->vm_flags & VM_LOCKED) != 0;
  if (keep_source) {
    // The target goes first, as in Linux, so that the copy sees the pieces of the source it
    // may have cut as VMAs of their own (only the one holding addr is the kept source).
    TRY(replace(new_addr, new_addr + new_len, nullptr));
    vma = m_tree.vma_lookup(addr);
  }

  // Split the source where it will be cut, so that removing it at the end needs no memory.
  // MREMAP_DONTUNMAP splits a locked source too, so that only the old range loses VM_LOCKED.
  const bool splits = removes || (keep_source && was_locked);
  Vma* below = nullptr;
  Vma* source = vma;
  if (splits && addr > vma->vm_start) {
    below = vma;
    source = TRY(split_vma(vma, addr));
  }
  const uint64_t remove_end = addr + (removes ? remove_len : move_len);
  Vma* cut = splits ? m_tree.vma_lookup(remove_end) : nullptr;
  Vma* cut_upper = nullptr;
  if (cut != nullptr && cut->vm_start < remove_end) {
    Result<Vma*> upper = split_vma(cut, remove_end);
    if (upper.is_error()) {
      if (below != nullptr) unsplit_vma(below, source);
      return upper.error();
    }
    cut_upper = upper.value();
  }
  auto undo_splits = [&] {
    if (cut_upper != nullptr) unsplit_vma(cut, cut_upper);
    if (below != nullptr) unsplit_vma(below, source);
  };

  // copy_vma(): the new VMA, merged with compatible neighbours at the destination.
  Vma proposed = *source;
  proposed.vm_start = new_addr;
  proposed.vm_end = new_addr + new_len;
  proposed.detached_next = nullptr;
  proposed.vm_pgoff = source->vm_pgoff + ((addr - source->vm_start) >> PAGE_SHIFT);
  // copy_vma() (mm/vma.c): an anonymous VMA that was never faulted in (vma_is_anonymous(), no
  // anon_vma) takes the offset of its new address, so that it may merge there, even with what
  // is left of the source, but not with a source that stays (MREMAP_DONTUNMAP).
  const bool unfaulted = source->vm_file == nullptr && source->special == nullptr &&
                         (source->vm_flags & VM_SHARED) == 0 && source->anon_vma == 0;
  if (unfaulted) proposed.vm_pgoff = new_addr >> PAGE_SHIFT;
  Result<void> placed =
      replace(new_addr, new_addr + new_len, &proposed, unfaulted && keep_source ? source : nullptr);
  if (placed.is_error()) {
    undo_splits();
    return placed.error();
  }
  // The source may have merged with the new VMA (and been freed if it was the next VMA of a
  // merge on both sides); what holds addr now is the source.
  source = m_tree.vma_lookup(addr);
  Vma* moved = m_tree.vma_lookup(new_addr);
  const VmFlags prot = source->vm_flags & VM_TRANSLATION_FLAGS;
  auto move_and_notify = [&]() -> Result<void> {
    if (!move_pages(addr, new_addr, move_len, prot)) return Error::NoMemory;
    if (source->special != nullptr && source->special->mremap != nullptr) {
      const SpecialMapping& spec = *source->special;
      Result<void> accepted = spec.mremap(spec, *this, *moved, spec.context);
      if (accepted.is_error()) {
        m_mmu.unmap(m_mmu.context, new_addr, new_addr + new_len);
        return accepted.error();
      }
    }
    return {};
  };
  Result<void> moved_in = move_and_notify();
  if (moved_in.is_error()) {
    // Like Linux, unmap the new VMA instead of the old one (running its close hook). It needs
    // no memory unless the new VMA merged with a neighbour; then the new range stays mapped,
    // without pages.
    Result<void> dropped = replace(new_addr, new_addr + new_len, nullptr);
    if (dropped.is_error()) VERIFY(moved->special == nullptr);
    // The target may have cut into the split pieces (MREMAP_FIXED inside the same VMA), so
    // merge them back rather than undo the splits.
    if (splits) merge_range(addr, remove_end);
    return moved_in.error();
  }

  // The pages live at the new range now; drop the old translations without freeing.
  m_mmu.unmap(m_mmu.context, addr, addr + move_len);
  if (keep_source) {
    // MREMAP_DONTUNMAP: the old VMA loses VM_LOCKED; when it is exactly the old range it drops
    // its anon_vma too, and a private anonymous one is unfaulted again, with the offset of its
    // address. Nothing merges.
    source->vm_flags &= ~VM_LOCKED_MASK;
    if (source->vm_start == addr && source->vm_end == addr + move_len) {
      source->anon_vma = 0;
      if (source->is_anonymous() && source->special == nullptr && !(source->vm_flags & VM_SHARED)) {
        source->vm_pgoff = addr >> PAGE_SHIFT;
      }
    }
    return new_addr;
  }
  // Remove the old range (freeing the pages of a shrunk tail and running close hooks). Every
  // VMA there lies wholly inside it after the splits, so this needs no memory.
  if (removes) MUST(replace(addr, remove_end, nullptr));
  // A locked mapping that grew has its new part faulted in.
  if (was_locked && new_len > move_len) populate(new_addr + move_len, new_addr + new_len);
  return new_addr;
}
