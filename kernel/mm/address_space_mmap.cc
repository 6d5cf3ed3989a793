// mmap's argument checks and placement: do_mmap() and generic_get_unmapped_area_topdown() of
// Linux's mm/mmap.c (v6.12), in their order, so each bad argument gets Linux's errno.

#include "kernel/mm/address_space.h"

namespace {

// calc_vm_prot_bits(): PROT_READ/WRITE/EXEC have the values of VM_READ/WRITE/EXEC.
VmFlags prot_to_vm_flags(int prot) {
  static_assert(PROT_READ == VM_READ && PROT_WRITE == VM_WRITE && PROT_EXEC == VM_EXEC);
  return static_cast<VmFlags>(prot) & (VM_READ | VM_WRITE | VM_EXEC);
}

// calc_vm_flag_bits() and arm64's arch_calc_vm_flag_bits(): only anonymous memory and shmem files
// are known to be backed by tag storage, so only they may carry MTE tags. MAP_STACK asks for no
// huge pages (VM_NOHUGEPAGE) only where THP is configured.
VmFlags map_to_vm_flags(int flags, const AddressSpaceLayout& layout, const VmFile* file) {
  VmFlags vm = (flags & MAP_GROWSDOWN) ? VM_GROWSDOWN : 0;
  if (flags & layout.map_locked) vm |= VM_LOCKED;
  if (layout.thp && (flags & MAP_STACK)) vm |= VM_NOHUGEPAGE;
  const bool shmem = file != nullptr && file->shmem;
  if (layout.mte && ((flags & MAP_ANONYMOUS) || shmem)) vm |= VM_MTE_ALLOWED;
  return vm;
}

// get_next_ino() for the shmem file behind each shared anonymous mapping: numbers are unique
// across every address space, as Linux's inode numbers of the shm mount are.
uint64_t next_shmem_inode() {
  static uint64_t last = 0;
  return __atomic_add_fetch(&last, 1, __ATOMIC_RELAXED);
}

// accountable_mapping(): private writable memory is charged against overcommit unless
// MAP_NORESERVE asked otherwise.
bool accountable(VmFlags vm_flags) {
  return (vm_flags & (VM_NORESERVE | VM_SHARED | VM_WRITE)) == VM_WRITE;
}

}  // namespace

Result<void> AddressSpace::anonymous_type(int flags, VmFlags& vm_flags) const {
  // do_mmap()'s switch for anonymous memory.
  switch (flags & MAP_TYPE) {
    case MAP_SHARED:
      if (vm_flags & VM_GROWSDOWN) return Error::Invalid;
      vm_flags |= VM_SHARED | VM_MAYSHARE;
      return {};
    case MAP_DROPPABLE:
      if (flags & (m_layout.map_locked | MAP_HUGETLB)) return Error::Invalid;
      if (vm_flags & VM_GROWSDOWN) return Error::Invalid;
      vm_flags |= VM_DROPPABLE | VM_NORESERVE | VM_WIPEONFORK | VM_DONTDUMP;
      return {};
    case MAP_PRIVATE:
      return {};
    default:  // MAP_SHARED_VALIDATE among them
      return Error::Invalid;
  }
}

Result<void> AddressSpace::file_type(uint64_t pgoff, uint64_t len, int flags,
                                     VmFlags& vm_flags) const {
  // file_mmap_ok() for a regular file: the range must end within MAX_LFS_FILESIZE.
  constexpr uint64_t MAX_LFS_FILESIZE = 0x7fffffffffffffff;
  if (len > MAX_LFS_FILESIZE || pgoff > (MAX_LFS_FILESIZE - len) >> PAGE_SHIFT) {
    return Error::Overflow;
  }
  // LEGACY_MAP_MASK (include/linux/mman.h, MAP_32BIT and MAP_ABOVE4G being 0 on arm64 and
  // powerpc); the initramfs's files do not support MAP_SYNC.
  const int legacy = MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE |
                     MAP_EXECUTABLE | MAP_UNINITIALIZED | MAP_GROWSDOWN | m_layout.map_locked |
                     m_layout.map_noreserve | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK |
                     MAP_HUGETLB | MAP_HUGE_2MB | MAP_HUGE_1GB;
  switch (flags & MAP_TYPE) {
    case MAP_SHARED:
    case MAP_SHARED_VALIDATE:
      // MAP_SHARED drops unknown flags first, so only MAP_SHARED_VALIDATE can refuse them.
      if ((flags & MAP_TYPE) == MAP_SHARED_VALIDATE && (flags & ~legacy) != 0) {
        return Error::NotSupported;
      }
      vm_flags |= VM_SHARED | VM_MAYSHARE;
      break;
    case MAP_PRIVATE:
      break;
    default:
      return Error::Invalid;
  }
  if (vm_flags & VM_GROWSDOWN) return Error::Invalid;
  return {};
}

uint64_t AddressSpace::start_gap(const Vma& vma) const {
  if (!(vma.vm_flags & VM_GROWSDOWN)) return vma.vm_start;
  const uint64_t gap = m_layout.stack_guard_gap;
  return vma.vm_start > gap ? vma.vm_start - gap : 0;
}

Result<uint64_t> AddressSpace::search(uint64_t len, uint64_t raise, uint64_t mmap_end) const {
  const AddressSpaceLayout& l = m_layout;
  // unmapped_area_topdown(): the highest free range, but not inside the guard gap of a stack
  // right above it; when it is, search again below that gap. high only ever drops.
  const uint64_t low = kstd::max(PAGE_SIZE, l.mmap_min_addr);
  uint64_t high = l.mmap_base + raise;
  while (low < high) {
    Result<uint64_t> found = m_tree.unmapped_area_topdown(low, high, len, PAGE_SIZE);
    if (found.is_error()) break;
    const uint64_t gap_end = found.value() + len;
    const Vma* next = m_tree.find_vma(gap_end);
    if (next == nullptr || start_gap(*next) >= gap_end) return found.value();
    high = start_gap(*next) & ~(PAGE_SIZE - 1);
  }
  // Linux falls back to a bottom-up search when the space below mmap_base is full; there a
  // stack in the way moves the search above it.
  uint64_t bottom = l.unmapped_base;
  while (bottom < mmap_end) {
    Result<uint64_t> found = m_tree.unmapped_area_bottomup(bottom, mmap_end, len, PAGE_SIZE);
    if (found.is_error()) break;
    const Vma* next = m_tree.find_vma(found.value() + len);
    if (next == nullptr || start_gap(*next) >= found.value() + len) return found.value();
    bottom = next->vm_end;
  }
  return Error::NoMemory;
}

Result<uint64_t> AddressSpace::get_unmapped_area(uint64_t addr, uint64_t len, int flags,
                                                 bool file_backed) const {
  const AddressSpaceLayout& l = m_layout;
  // arch_get_mmap_end() and arch_get_mmap_base(): a hint above the default window lets the
  // placement reach TASK_SIZE, and moves the top-down search up by as much as the task is wider.
  const bool above_window = addr > l.mmap_window;
  const uint64_t mmap_end = above_window ? l.task_size : l.mmap_window;
  if (len > l.task_size || len > mmap_end - l.mmap_min_addr) return Error::NoMemory;
  // __thp_get_unmapped_area() with offset 0 (anonymous memory's pgoff counts as 0 here): the
  // padded search must succeed, and the result moves up to the next PMD boundary, or by a
  // whole PMD when it is already aligned (the top-down search put the range at the bottom).
  if (l.thp && addr == 0 && !file_backed && !(flags & (MAP_SHARED | MAP_FIXED)) &&
      len % THP_PMD_SIZE == 0 && len <= UINT64_MAX - THP_PMD_SIZE) {
    Result<uint64_t> padded = get_unmapped_area(0, len + THP_PMD_SIZE, flags, true);
    if (padded.is_ok()) {
      const uint64_t misalign = (0 - padded.value()) & (THP_PMD_SIZE - 1);
      return padded.value() + (misalign == 0 ? THP_PMD_SIZE : misalign);
    }
  }
  if (!(flags & MAP_FIXED)) {
    uint64_t hint = 0;
    // A hint is taken as is when the whole range is free, inside the task and below the guard
    // gap of a stack above it. find_vma(hint) is the VMA holding hint or the next one up.
    if (addr != 0 && kstd::checked_align_up(addr, PAGE_SIZE, &hint) && hint >= l.mmap_min_addr &&
        hint <= mmap_end - len) {
      const Vma* next = m_tree.find_vma(hint);
      if (next == nullptr || hint + len <= start_gap(*next)) return hint;
    }
    addr = TRY(search(len, above_window ? l.task_size - l.mmap_window : 0, mmap_end));
  }
  // __get_unmapped_area()'s checks of whatever address was chosen, then security_mmap_addr().
  if (addr > l.task_size - len) return Error::NoMemory;
  if ((addr & ~PAGE_MASK) != 0) return Error::Invalid;
  if (addr < l.mmap_min_addr) return Error::Permission;
  return addr;
}

Result<uint64_t> AddressSpace::mmap(uint64_t addr, uint64_t len, int prot, int flags,
                                    const VmFile* file, uint64_t offset, const char* anon_name) {
  // The system call checks the byte offset and the file before do_mmap() runs, and on powerpc
  // the protection first (arch_validate_prot(): no PROT_SAO without CPU_FTR_SAO, which POWER9
  // and later lack).
  if (m_layout.mmap_validates_prot && (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM))) {
    return Error::Invalid;
  }
  if ((offset & ~PAGE_MASK) != 0) return Error::Invalid;
  const bool anonymous = (flags & MAP_ANONYMOUS) != 0;
  if (anonymous) file = nullptr;
  if (!anonymous && file == nullptr) return Error::BadFile;
  // ksys_mmap_pgoff(): MAP_HUGETLB needs a hugetlbfs file (there is none here).
  if (!anonymous && (flags & MAP_HUGETLB)) return Error::Invalid;

  if (len == 0) return Error::Invalid;
  if (flags & MAP_FIXED_NOREPLACE) flags |= MAP_FIXED;
  // round_hint_to_min(): hints are rounded down, and a hint below mmap_min_addr moves up to it.
  if (!(flags & MAP_FIXED)) {
    addr &= PAGE_MASK;
    if (addr != 0 && addr < m_layout.mmap_min_addr) {
      addr = kstd::align_up(m_layout.mmap_min_addr, PAGE_SIZE);
    }
  }
  uint64_t aligned_len = 0;
  if (!kstd::checked_align_up(len, PAGE_SIZE, &aligned_len)) return Error::NoMemory;
  // do_mmap()'s EOVERFLOW check of pgoff + pages wrapping cannot fire for a byte offset on a
  // 64-bit kernel (pgoff is at most 2^52); file_mmap_ok() below can.
  uint64_t pgoff = offset >> PAGE_SHIFT;
  if (m_tree.count() > m_layout.max_map_count) return Error::NoMemory;

  addr = TRY(get_unmapped_area(addr, aligned_len, flags, !anonymous));
  const uint64_t end = addr + aligned_len;
  if ((flags & MAP_FIXED_NOREPLACE) && m_tree.find_vma_intersection(addr, end) != nullptr) {
    return Error::Exists;
  }

  Vma proposed;
  proposed.vm_flags = prot_to_vm_flags(prot) | map_to_vm_flags(flags, m_layout, file) | VM_MAYREAD |
                      VM_MAYWRITE | VM_MAYEXEC;
  if (m_layout.bti && (prot & PROT_BTI)) proposed.vm_flags |= VM_ARM64_BTI;
  if (m_layout.mte && (prot & PROT_MTE)) proposed.vm_flags |= VM_MTE;
  if (anonymous) {
    TRY(anonymous_type(flags, proposed.vm_flags));
    // Shared anonymous memory is a fresh shmem file at offset 0; private anonymous offsets
    // follow the address so that neighbours can merge.
    pgoff = (proposed.vm_flags & VM_SHARED) ? 0 : addr >> PAGE_SHIFT;
    if (proposed.vm_flags & VM_SHARED) {
      proposed.shmem_inode = next_shmem_inode();
      proposed.shmem_pages = aligned_len >> PAGE_SHIFT;
    }
  } else {
    TRY(file_type(pgoff, aligned_len, flags, proposed.vm_flags));
  }
  // MAP_NORESERVE is honoured unless overcommit is OVERCOMMIT_NEVER; 6.12's default is
  // OVERCOMMIT_GUESS. The flag keeps the VMA from merging with one without it.
  if (flags & m_layout.map_noreserve) proposed.vm_flags |= VM_NORESERVE;
  // arm64's arch_validate_flags(): tag checking needs memory that can hold tags.
  if ((proposed.vm_flags & VM_MTE) && !(proposed.vm_flags & VM_MTE_ALLOWED)) return Error::Invalid;
  // mmap_region(): the pages charged are the new range's less those of the accounted VMAs it
  // replaces.
  if (accountable(proposed.vm_flags)) {
    TRY(charge(aligned_len / PAGE_SIZE - accounted_pages(addr, end)));
    proposed.vm_flags |= VM_ACCOUNT;
  }
  proposed.vm_pgoff = pgoff;
  proposed.vm_file = file;
  proposed.anon_name = anonymous ? anon_name : nullptr;
  // shmem_zero_setup(): the shmem file behind shared anonymous memory charges its whole size
  // (shmem_acct_size) unless VM_NORESERVE, after mmap_region() has cleared the range, so a
  // refusal leaves what was mapped there unmapped (vms_abort_munmap_vmas after
  // vms_clean_up_area).
  if (anonymous && (proposed.vm_flags & (VM_SHARED | VM_NORESERVE)) == VM_SHARED &&
      charge(aligned_len / PAGE_SIZE).is_error()) {
    TRY(replace(addr, end, nullptr));
    return Error::NoMemory;
  }
  TRY(replace(addr, end, &proposed));
  // do_mmap() asks for the range to be faulted in for VM_LOCKED, or for MAP_POPULATE without
  // MAP_NONBLOCK; that happens after the mapping merged.
  if ((proposed.vm_flags & VM_LOCKED) || (flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE) {
    populate(addr, end);
  }
  return addr;
}

Result<void> AddressSpace::charge(uint64_t pages) const {
  if (pages > m_layout.commit_limit_pages) return Error::NoMemory;
  return {};
}

uint64_t AddressSpace::accounted_pages(uint64_t start, uint64_t end) const {
  uint64_t pages = 0;
  VMA_ITERATOR(vmi, m_tree, start);
  Vma* vma;
  for_each_vma_range(vmi, vma, end) {
    if (!(vma->vm_flags & VM_ACCOUNT)) continue;
    pages += (kstd::min(vma->vm_end, end) - kstd::max(vma->vm_start, start)) / PAGE_SIZE;
  }
  return pages;
}

void AddressSpace::populate(uint64_t start, uint64_t end) {
  // __mm_populate() and populate_vma_page_range(): VMA by VMA, skipping VM_IO/VM_PFNMAP and
  // VM_LOCKONFAULT ones and those without access. A private writable VMA is faulted for write
  // (breaking copy-on-write, so it gets an anon_vma), any other with FOLL_FORCE for read,
  // which an execute-only VMA allows as well.
  uint64_t cursor = start;
  while (cursor < end) {
    const Vma* vma = m_tree.find_vma_intersection(cursor, end);
    if (vma == nullptr) return;
    const uint64_t stop = kstd::min(vma->vm_end, end);
    const VmFlags flags = vma->vm_flags;
    FaultAccess access = FaultAccess::Read;
    if ((flags & (VM_WRITE | VM_SHARED)) == VM_WRITE) {
      access = FaultAccess::Write;
    } else if (!(flags & (VM_READ | VM_WRITE))) {
      access = FaultAccess::Exec;
    }
    const bool skip = (flags & (VM_IO | VM_PFNMAP | VM_LOCKONFAULT)) || !(flags & VM_ACCESS_FLAGS);
    for (uint64_t page = kstd::max(vma->vm_start, cursor); !skip && page < stop;
         page += PAGE_SIZE) {
      // mm_populate() ignores errors: running out of memory, or a SIGBUS past the end of a
      // file, ends this VMA's pages and the next VMA is tried.
      Result<FaultVerdict> verdict = handle_fault(page, access);
      if (verdict.is_error() || verdict.value().signal != FaultSignal::None) break;
    }
    cursor = stop;
  }
}
