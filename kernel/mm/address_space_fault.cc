// The demand-fault path: lock_mm_and_find_vma (with stack growth), the access check of arm64's
// do_page_fault and powerpc's access_error, then do_anonymous_page / special_mapping_fault / a
// file fault, reduced to mapping one page, and do_wp_page's copy of the zero page (Linux's
// mm/memory.c, v6.12).

#include "kernel/arch/mmu.h"
#include "kernel/lib/kstd.h"
#include "kernel/lib/string.h"
#include "kernel/mm/address_space.h"

namespace {

Result<FaultVerdict> deliver(FaultSignal signal, FaultCode code) {
  return FaultVerdict{signal, code};
}

}  // namespace

Result<uint64_t> AddressSpace::file_page(const VmFile& file, uint64_t pgoff) {
  const uint64_t pa = TRY(m_pages.alloc_zeroed(m_pages.context));
  if (file.data != nullptr) {
    // The caller checked pgoff < file.pages(), so the offset cannot overflow.
    const uint64_t offset = pgoff << PAGE_SHIFT;
    const uint64_t bytes = kstd::min(PAGE_SIZE, file.size - offset);
    klib::mem_copy(arch_phys_to_virt(pa), file.data + offset, bytes);
  }
  return pa;
}

Result<FaultVerdict> AddressSpace::handle_fault(uint64_t addr, FaultAccess access) {
  // find_vma: the first VMA ending above addr; below its start only a stack can grow to addr.
  Vma* vma = m_tree.find_vma(addr);
  if (vma == nullptr) return deliver(FaultSignal::Segv, FaultCode::SegvMapErr);
  const uint64_t old_start = vma->vm_start;
  const uint64_t old_anon_vma = vma->anon_vma;
  if (addr < old_start && !expand_stack(*vma, addr)) {
    return deliver(FaultSignal::Segv, FaultCode::SegvMapErr);
  }

  // A write implies read on both arches; exec-only pages are readable unless the layout says
  // the MMU can enforce execute-only (arm64 FEAT_EPAN).
  VmFlags allowed = VM_READ | VM_WRITE;
  if (access == FaultAccess::Write) allowed = VM_WRITE;
  if (access == FaultAccess::Exec) allowed = VM_EXEC;
  if (access == FaultAccess::Read && m_layout.exec_implies_read) allowed |= VM_EXEC;
  if ((vma->vm_flags & allowed) == 0) return deliver(FaultSignal::Segv, FaultCode::SegvAccErr);

  const uint64_t page = addr & PAGE_MASK;
  // A write to a private mapping gives the VMA an anon_vma: do_anonymous_page() and
  // do_cow_fault() for a page not yet present, wp_page_copy() for one a read fault mapped from
  // the zero page or the file (mm/memory.c: each calls vmf_anon_prepare()). A read fault of
  // anonymous memory maps the zero page and assigns none.
  const bool cow =
      access == FaultAccess::Write && vma->special == nullptr && (vma->vm_flags & VM_SHARED) == 0;
  const uint64_t anon_vma = cow ? prepare_anon_vma(*vma) : vma->anon_vma;
  const VmFlags prot = vma->vm_flags & VM_TRANSLATION_FLAGS;
  // Another thread may have mapped the page since the access trapped; Linux then just returns.
  // A write to the zero page is do_wp_page()'s copy: wp_page_copy() gives the zero page's copy
  // a freshly zeroed page rather than copying it.
  uint64_t present = 0;
  if (page_present(page, &present)) {
    if (cow && present == m_pages.zero_page) {
      const uint64_t copy = TRY(m_pages.alloc_zeroed(m_pages.context));
      m_mmu.remap(m_mmu.context, page, copy, prot);
    }
    set_anon_vma(*vma, anon_vma);
    return FaultVerdict{};
  }

  const uint64_t pgoff = vma->vm_pgoff + ((page - vma->vm_start) >> PAGE_SHIFT);
  if (vma->special != nullptr) {
    // The spec's pages are not ours: they are mapped but never freed by zap().
    Result<uint64_t> pa = special_mapping_page(*vma->special, *vma, pgoff);
    if (pa.is_error()) {
      if (pa.error() == Error::NoMemory) return Error::NoMemory;
      return deliver(FaultSignal::Bus, FaultCode::BusAdrErr);
    }
    TRY(m_mmu.map(m_mmu.context, page, pa.value(), PAGE_SIZE, prot));
    return FaultVerdict{};
  }
  // filemap_fault(): a page wholly past the end of the file raises SIGBUS.
  // do_cow_fault() prepares the anon_vma before it asks the file, so it stays.
  if (vma->vm_file != nullptr && pgoff >= vma->vm_file->pages()) {
    set_anon_vma(*vma, anon_vma);
    return deliver(FaultSignal::Bus, FaultCode::BusAdrErr);
  }
  // shmem_fault(): shared anonymous memory maps its object's page for the index, the same
  // page for every VMA of the object; the page stays in the object if the mapping fails. An
  // index past the object's size (a mapping mremap grew) is SIGBUS, as past a file's end.
  const bool shmem = vma->shmem_inode != 0;
  if (shmem && pgoff >= vma->shmem_pages) return deliver(FaultSignal::Bus, FaultCode::BusAdrErr);
  // do_anonymous_page(): a read or exec fault of private anonymous memory maps the zero page,
  // never writable (pte_mkspecial() of vm_page_prot, which has no write bit for private memory
  // but keeps read where write implied it).
  const bool zero = access != FaultAccess::Write && !shmem && vma->vm_file == nullptr &&
                    (vma->vm_flags & VM_SHARED) == 0;
  Result<uint64_t> pa = zero                      ? Result<uint64_t>(m_pages.zero_page)
                        : shmem                   ? m_shmem.get(vma->shmem_inode, pgoff)
                        : vma->vm_file != nullptr ? file_page(*vma->vm_file, pgoff)
                                                  : m_pages.alloc_zeroed(m_pages.context);
  const VmFlags page_prot = zero ? cow_access(prot) : prot;
  Result<void> mapped =
      pa.is_ok() ? m_mmu.map(m_mmu.context, page, pa.value(), PAGE_SIZE, page_prot) : pa.error();
  if (mapped.is_error()) {
    if (pa.is_ok() && !shmem && !zero) m_pages.free(m_pages.context, pa.value());
    if (vma->vm_start != old_start) undo_expand_stack(*vma, old_start);
    vma->anon_vma = old_anon_vma;
    return mapped.error();
  }
  set_anon_vma(*vma, anon_vma);
  return FaultVerdict{};
}
