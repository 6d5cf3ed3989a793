// mincore: the syscall's checks and do_mincore's per-page answers (Linux's mm/mincore.c, v6.12).

#include "kernel/mm/address_space.h"

namespace {

struct Residency {
  uint8_t* vec;
  uint64_t first;  // va of vec[0]
};

bool mark_present(void* cookie, uint64_t va, uint64_t, MmuAccess) {
  auto* r = static_cast<Residency*>(cookie);
  r->vec[(va - r->first) >> PAGE_SHIFT] = 1;
  return true;
}

}  // namespace

Result<uint64_t> AddressSpace::mincore(uint64_t start, uint64_t len, uint8_t* vec,
                                       uint64_t capacity) const {
  if ((start & ~PAGE_MASK) != 0) return Error::Invalid;
  // access_ok(start, len): the range lies in the user address space.
  if (len > m_layout.task_size || start > m_layout.task_size - len) return Error::NoMemory;
  const uint64_t pages = (len >> PAGE_SHIFT) + ((len & ~PAGE_MASK) != 0 ? 1 : 0);
  const uint64_t want = kstd::min(pages, capacity);
  if (want == 0) return 0;
  const uint64_t end = start + (want << PAGE_SHIFT);

  uint64_t cursor = start;
  while (cursor < end) {
    const Vma* vma = m_tree.vma_lookup(cursor);
    if (vma == nullptr) break;
    const uint64_t upto = kstd::min(vma->vm_end, end);
    uint8_t* out = vec + ((cursor - start) >> PAGE_SHIFT);
    const uint64_t count = (upto - cursor) >> PAGE_SHIFT;
    for (uint64_t i = 0; i < count; i++) {
      uint8_t resident = 0;
      if (vma->special != nullptr) {
        resident = 1;
      } else if (vma->vm_file != nullptr) {
        const uint64_t pgoff = vma->vm_pgoff + ((cursor - vma->vm_start) >> PAGE_SHIFT) + i;
        resident = pgoff < vma->vm_file->pages();
      }
      out[i] = resident;
    }
    Residency residency{out, cursor};
    m_mmu.walk(m_mmu.context, cursor, upto, mark_present, &residency);
    cursor = upto;
  }
  if (cursor == start) return Error::NoMemory;
  return (cursor - start) >> PAGE_SHIFT;
}
