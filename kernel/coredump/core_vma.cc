#include "kernel/coredump/core_vma.h"

#include "kernel/lib/string.h"
#include "kernel/mm/special_mapping.h"

uint64_t core_vma_dump_size(const Vma& vma, unsigned filter) {
  const VmFlags f = vma.vm_flags;
  // always_dump_vma: a mapping with a name of its own is what a debugger needs to make sense of
  // the pcs in the core, whatever its other flags say.
  if (vma.special != nullptr && vma.special->name != nullptr) return vma.size();
  if ((f & VM_DONTDUMP) != 0) return 0;
  if ((f & VM_HUGETLB) != 0) {
    const unsigned bit =
        (f & VM_SHARED) != 0 ? CORE_DUMP_HUGETLB_SHARED : CORE_DUMP_HUGETLB_PRIVATE;
    return (filter & bit) != 0 ? vma.size() : 0;
  }
  if ((f & VM_IO) != 0) return 0;
  if ((f & VM_SHARED) != 0) {
    const unsigned bit = vma.vm_file == nullptr ? CORE_DUMP_ANON_SHARED : CORE_DUMP_MAPPED_SHARED;
    return (filter & bit) != 0 ? vma.size() : 0;
  }
  if (vma.anon_vma != 0 && (filter & CORE_DUMP_ANON_PRIVATE) != 0) return vma.size();
  if (vma.vm_file == nullptr) return 0;
  if ((filter & CORE_DUMP_MAPPED_PRIVATE) != 0) return vma.size();
  if ((filter & CORE_DUMP_ELF_HEADERS) != 0 && vma.vm_pgoff == 0 && (f & VM_READ) != 0) {
    return CORE_DUMP_MAYBE_ELF_HEADER;
  }
  return 0;
}

Result<size_t> core_vma_snapshot(const VmaTree& tree, unsigned filter, const CoreMemory& memory,
                                 CoreVma* out, size_t capacity) {
  if (capacity < tree.count()) return Error::Invalid;
  size_t n = 0;
  VMA_ITERATOR(vmi, tree, 0);
  Vma* vma;
  for_each_vma(vmi, vma) {
    CoreVma& m = out[n++];
    m.start = vma->vm_start;
    m.end = vma->vm_end;
    m.flags = vma->vm_flags;
    m.pgoff = vma->vm_pgoff;
    m.dump_size = core_vma_dump_size(*vma, filter);
    m.file = vma->vm_file;
    m.special = vma->special;
    m.vma = vma;
  }
  // Linux reads the magic only after dropping the mmap lock; here the snapshot is complete by
  // now, so reading pages cannot disturb the walk either.
  for (size_t i = 0; i < n; i++) {
    CoreVma& m = out[i];
    if (m.dump_size != CORE_DUMP_MAYBE_ELF_HEADER) continue;
    const uint8_t* page = memory.page(memory.context, m, m.start);
    const bool elf = page != nullptr && klib::mem_compare(page, "\177ELF", 4) == 0;
    m.dump_size = elf ? PAGE_SIZE : 0;
  }
  return n;
}
