// The demand-fault path: find_vma, the access check of arm64's do_page_fault and powerpc's
// access_error, then do_anonymous_page / special_mapping_fault / a file fault, reduced to
// mapping one page (Linux's mm/memory.c, v6.12).

#include "kernel/mm/address_space.h"

namespace {

Result<FaultVerdict> deliver(FaultSignal signal, FaultCode code) {
  return FaultVerdict{signal, code};
}

}  // namespace

Result<FaultVerdict> AddressSpace::handle_fault(uint64_t addr, FaultAccess access) {
  // Stack growth (expand_stack for a VM_GROWSDOWN VMA above addr) is not modelled: an address
  // below a stack is a plain MAPERR.
  Vma* vma = m_tree.vma_lookup(addr);
  if (vma == nullptr) return deliver(FaultSignal::Segv, FaultCode::SegvMapErr);

  // A write implies read on both arches; exec-only pages are readable unless the layout says
  // the MMU can enforce execute-only (arm64 FEAT_EPAN).
  VmFlags allowed = VM_READ | VM_WRITE;
  if (access == FaultAccess::Write) allowed = VM_WRITE;
  if (access == FaultAccess::Exec) allowed = VM_EXEC;
  if (access == FaultAccess::Read && m_layout.exec_implies_read) allowed |= VM_EXEC;
  if ((vma->vm_flags & allowed) == 0) return deliver(FaultSignal::Segv, FaultCode::SegvAccErr);

  const uint64_t page = addr & PAGE_MASK;
  // Another thread may have mapped the page since the access trapped; Linux then just returns.
  if (page_present(page)) return FaultVerdict{};

  const uint64_t pgoff = vma->vm_pgoff + ((page - vma->vm_start) >> PAGE_SHIFT);
  const VmFlags prot = vma->vm_flags & (VM_ACCESS_FLAGS | VM_MTE);
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
  if (vma->vm_file != nullptr) {
    const uint64_t size = vma->vm_file->size;
    const uint64_t file_pages = (size >> PAGE_SHIFT) + ((size & ~PAGE_MASK) != 0 ? 1 : 0);
    if (pgoff >= file_pages) return deliver(FaultSignal::Bus, FaultCode::BusAdrErr);
  }
  const uint64_t pa = TRY(m_pages.alloc_zeroed(m_pages.context));
  Result<void> mapped = m_mmu.map(m_mmu.context, page, pa, PAGE_SIZE, prot);
  if (mapped.is_error()) {
    m_pages.free(m_pages.context, pa);
    return mapped.error();
  }
  return FaultVerdict{};
}
