// A page-granular reference model of an AddressSpace, for the randomized differential test and
// the fuzzer. It knows no tree and no VMA objects: it keeps one record per mapped page (flags,
// file, file offset, whether a VMA starts there, whether the page is present, where, and whether
// it is the shared zero page a read fault of private anonymous memory maps read-only) and
// applies Linux's rules for mmap, munmap, mprotect, mremap, brk, madvise, mincore and faults
// (stack growth included) to those records
// directly, in Linux's order of checks. VMAs are derived: a VMA starts at every page marked as
// a start, and a start mark goes away only where Linux attempts a merge and the two sides are
// compatible. Each page also carries its VMA's anon_vma identity, assigned by write faults and
// stack growth and checked by every merge as Linux checks it. Shared anonymous memory is a shmem
// object of its own per mmap (Linux's shmem_zero_setup()): each page carries its object's
// identity, pieces merge only within one object, and the object's pages (shmem_pages, one per
// object page index, wherever and however often it is mapped) outlive MADV_DONTNEED and last
// until the object's last page is unmapped. Special mappings and MTE are outside the model.
//
// Differential use: run one ModelOp on the space and on the model (check_step). Results
// and error codes must be equal. The one allowed difference is Error::NoMemory from the space
// when allocations were being failed on purpose; the space must then be unchanged (or, for a
// failed mremap move, in one of the intermediate states Linux can leave behind).
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "kernel/mm/address_space.h"

class AddressSpaceModel {
 public:
  struct Page {
    VmFlags flags = 0;
    const VmFile* file = nullptr;
    uint64_t pgoff = 0;
    bool vma_start = false;  // a VMA begins at this page
    bool present = false;    // faulted in
    uint64_t pa = 0;         // the physical page once known (0: present but not learned yet)
    uint64_t anon_vma = 0;   // the VMA's anon_vma identity (0: none), the same on all its pages
    bool zero = false;       // present as the shared zero page, read-only
    uint64_t shmem = 0;      // shared anonymous memory: its shmem object's identity (0: none)
  };
  // A shmem object's page: (object identity, page index in the object).
  using ShmemKey = std::pair<uint64_t, uint64_t>;
  // What an operation returned: an error code, or a value (address, new break, fault verdict).
  struct Outcome {
    std::optional<Error> error;  // nullopt on success
    uint64_t value = 0;
    FaultVerdict verdict;
    std::vector<uint8_t> bytes;  // mincore's vector, every byte of the caller's buffer
    bool ok() const { return !error; }
    bool operator==(const Outcome& o) const {
      // A failed mincore may still have written the bytes before a hole, but it writes none.
      if (error || o.error) return error == o.error && bytes == o.bytes;
      return value == o.value && verdict.signal == o.verdict.signal &&
             verdict.code == o.verdict.code && bytes == o.bytes;
    }
  };
  struct VmaRun {
    uint64_t start, end;
    VmFlags flags;
    const VmFile* file;
    uint64_t pgoff;
    uint64_t anon_vma;  // compared after renumbering in address order (canonical_identities)
    uint64_t shmem;     // the shmem object (0: none), renumbered the same way
    bool operator==(const VmaRun&) const = default;
    friend std::ostream& operator<<(std::ostream& os, const VmaRun& v) {
      return os << std::hex << "[" << v.start << "," << v.end << " f" << v.flags << " o" << v.pgoff
                << " av" << v.anon_vma << " sh" << v.shmem << "]";
    }
  };

  explicit AddressSpaceModel(const AddressSpaceLayout& layout)
      : m_layout(layout), m_brk(layout.brk) {}

  std::map<uint64_t, Page> pages;
  // The pages the shmem objects hold, with the physical page once learned (0: not yet). A fault
  // of shared anonymous memory maps the object's page, so every mapping of it sees that page.
  std::map<ShmemKey, uint64_t> shmem_pages;
  // Each shmem object's size in pages: the length of the mmap that made it.
  std::map<uint64_t, uint64_t> shmem_sizes;
  uint64_t current_brk() const { return m_brk; }

  Outcome mmap(uint64_t addr, uint64_t len, int prot, int flags, const VmFile* file,
               uint64_t offset) {
    if (offset % P != 0) return fail(Error::Invalid);
    const bool anon = (flags & MAP_ANONYMOUS) != 0;
    if (anon) file = nullptr;
    if (!anon && file == nullptr) return fail(Error::BadFile);
    if (!anon && (flags & MAP_HUGETLB)) return fail(Error::Invalid);
    if (len == 0) return fail(Error::Invalid);
    if (flags & MAP_FIXED_NOREPLACE) flags |= MAP_FIXED;
    if (!(flags & MAP_FIXED)) {
      addr = down(addr);
      if (addr != 0 && addr < m_layout.mmap_min_addr) addr = up(m_layout.mmap_min_addr);
    }
    if (len > UINT64_MAX - (P - 1)) return fail(Error::NoMemory);
    len = up(len);
    if (map_count() > m_layout.max_map_count) return fail(Error::NoMemory);
    Outcome placed = get_unmapped_area(addr, len, flags, !anon);
    if (!placed.ok()) return placed;
    addr = placed.value;
    const uint64_t end = addr + len;
    if ((flags & MAP_FIXED_NOREPLACE) && any_mapped(addr, end)) return fail(Error::Exists);
    VmFlags vm = static_cast<VmFlags>(prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) | VM_MAYREAD |
                 VM_MAYWRITE | VM_MAYEXEC;
    if (flags & MAP_GROWSDOWN) vm |= VM_GROWSDOWN;
    if (flags & m_layout.map_locked) vm |= VM_LOCKED;
    if (m_layout.thp && (flags & MAP_STACK)) vm |= VM_NOHUGEPAGE;
    uint64_t pgoff = offset / P;
    const int type = flags & MAP_TYPE;
    if (anon) {
      if (type == MAP_SHARED) {
        if (vm & VM_GROWSDOWN) return fail(Error::Invalid);
        vm |= VM_SHARED | VM_MAYSHARE;
        pgoff = 0;
      } else if (type == MAP_DROPPABLE) {
        if (flags & (m_layout.map_locked | MAP_HUGETLB)) return fail(Error::Invalid);
        if (vm & VM_GROWSDOWN) return fail(Error::Invalid);
        vm |= VM_DROPPABLE | VM_NORESERVE | VM_WIPEONFORK | VM_DONTDUMP;
        pgoff = addr / P;
      } else if (type == MAP_PRIVATE) {
        pgoff = addr / P;
      } else {
        return fail(Error::Invalid);  // MAP_SHARED_VALIDATE too
      }
    } else {
      // file_mmap_ok() with MAX_LFS_FILESIZE, then the type; MAP_SHARED_VALIDATE refuses
      // what LEGACY_MAP_MASK lacks.
      constexpr uint64_t MAX_LFS = 0x7fffffffffffffff;
      if (len > MAX_LFS || pgoff > (MAX_LFS - len) / P) return fail(Error::Overflow);
      const int legacy = MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE |
                         MAP_EXECUTABLE | MAP_UNINITIALIZED | MAP_GROWSDOWN | m_layout.map_locked |
                         m_layout.map_noreserve | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK |
                         MAP_HUGETLB | MAP_HUGE_2MB | MAP_HUGE_1GB;
      if (type != MAP_SHARED && type != MAP_SHARED_VALIDATE && type != MAP_PRIVATE) {
        return fail(Error::Invalid);
      }
      if (type == MAP_SHARED_VALIDATE && (flags & ~legacy)) return fail(Error::NotSupported);
      if (type != MAP_PRIVATE) vm |= VM_SHARED | VM_MAYSHARE;
      if (vm & VM_GROWSDOWN) return fail(Error::Invalid);
    }
    if (flags & m_layout.map_noreserve) vm |= VM_NORESERVE;  // OVERCOMMIT_GUESS honours it
    // Private writable memory is charged, less what the range replaces that was charged.
    if ((vm & (VM_NORESERVE | VM_SHARED | VM_WRITE)) == VM_WRITE) {
      if (len / P - accounted(addr, end) > m_layout.commit_limit_pages) {
        return fail(Error::NoMemory);
      }
      vm |= VM_ACCOUNT;
    }
    // Replacing the middle of one VMA splits it: refused at the map count limit.
    if (addr > 0 && same_vma(addr - P, end) && map_count() >= m_layout.max_map_count) {
      return fail(Error::NoMemory);
    }
    cut(end);
    erase(addr, end);
    // The shmem file of shared anonymous memory charges its size once the range is cleared: a
    // refusal leaves the range unmapped.
    if (anon && (vm & (VM_SHARED | VM_NORESERVE)) == VM_SHARED &&
        len / P > m_layout.commit_limit_pages) {
      return fail(Error::NoMemory);
    }
    fill(addr, end, vm, file, pgoff);
    if (anon && (vm & VM_SHARED)) {
      const uint64_t object = ++m_last_shmem;
      shmem_sizes[object] = (end - addr) / P;
      for (uint64_t a = addr; a < end; a += P) pages[a].shmem = object;
    }
    settle_range(addr, end, 0);
    if ((vm & VM_LOCKED) || (flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE) {
      populate(addr, end);
    }
    return ok(addr);
  }

  Outcome munmap(uint64_t start, uint64_t len) {
    const uint64_t task = m_layout.task_size;
    if (start % P != 0 || start > task || len > task - start) return fail(Error::Invalid);
    const uint64_t end = start + up(len);
    if (end == start) return fail(Error::Invalid);
    if (start > 0 && same_vma(start - P, end) && map_count() >= m_layout.max_map_count) {
      return fail(Error::NoMemory);
    }
    cut(end);
    erase(start, end);
    return ok(0);
  }

  // Whether kernel/mm/address_space.h lets a munmap whose arguments are valid fail for want of
  // memory: only a range strictly inside one VMA, which splits it in two, needs a VMA and a tree
  // node. Removing whole VMAs and trimming them at either end needs none.
  bool munmap_may_need_memory(uint64_t start, uint64_t len) const {
    return start >= P && same_vma(start - P, start + up(len));
  }

  Outcome mprotect(uint64_t start, uint64_t len, int prot) {
    const int grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
    prot &= ~grows;
    if (grows == (PROT_GROWSDOWN | PROT_GROWSUP)) return fail(Error::Invalid);
    if (start % P != 0) return fail(Error::Invalid);
    if (len == 0) return ok(0);
    if (len > UINT64_MAX - (P - 1) || up(len) > UINT64_MAX - start) return fail(Error::NoMemory);
    uint64_t end = start + up(len);
    if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM)) return fail(Error::Invalid);
    auto first = pages.lower_bound(start);
    if (first == pages.end() || first->first >= end) return fail(Error::NoMemory);
    const uint64_t first_start = vma_start(first->first);
    if (grows & PROT_GROWSDOWN) {
      start = first_start;
      if (!(first->second.flags & VM_GROWSDOWN)) return fail(Error::Invalid);
    } else {
      if (first_start > start) return fail(Error::NoMemory);
      if (grows & PROT_GROWSUP) return fail(Error::Invalid);
    }
    const VmFlags bits = static_cast<VmFlags>(prot) & VM_ACCESS_FLAGS;
    // Linux's loop, VMA by VMA: a hole, then the VM_MAY* check, then the splits.
    // The first failure stops the loop; the VMAs before it change all the same.
    struct Change {
      uint64_t lo, hi;
      VmFlags old, flags;
    };
    std::vector<Change> changed;
    uint64_t count = map_count();
    uint64_t reached = first_start;
    std::optional<Error> failure;
    for (uint64_t a = first_start; a < end;) {
      if (!mapped(a)) {
        failure = Error::NoMemory;
        break;
      }
      const uint64_t vend = vma_end(a);
      const VmFlags old = pages[a].flags;
      VmFlags now = bits | (old & ~VM_ACCESS_FLAGS);
      // mprotect_fixup()'s accounting: writable private memory is charged; read-only again,
      // only anonymous memory without an anon_vma gives the charge back.
      if (now != old && (now & VM_WRITE)) {
        if (!(old & (VM_ACCOUNT | VM_WRITE | VM_HUGETLB | VM_SHARED | VM_NORESERVE))) {
          now |= VM_ACCOUNT;
        }
      } else if (now != old && (old & VM_ACCOUNT) && pages[a].file == nullptr &&
                 pages[a].anon_vma == 0) {
        now &= ~VM_ACCOUNT;
      }
      if ((now & ~(now >> 4)) & VM_ACCESS_FLAGS) {
        failure = Error::Access;
        break;
      }
      if (now != old) {
        const uint64_t lo = a < start ? start : a;
        const uint64_t hi = vend > end ? end : vend;
        if ((now & VM_ACCOUNT) && !(old & VM_ACCOUNT) &&
            (hi - lo) / P > m_layout.commit_limit_pages) {
          failure = Error::NoMemory;
          break;
        }
        const uint64_t splits = (a < start ? 1 : 0) + (vend > end ? 1 : 0);
        if (splits != 0 && count + splits > m_layout.max_map_count) {
          failure = Error::NoMemory;
          break;
        }
        count += splits;
        changed.push_back({lo, hi, old, now});
      }
      reached = vend > end ? end : vend;
      a = vend;
    }
    if (!failure && reached < end) failure = Error::NoMemory;
    for (const Change& c : changed) {
      cut(c.lo);
      cut(c.hi);
    }
    // Piece by piece in address order, as Linux does: the piece takes its new flags and tries
    // to merge with both neighbours, its anon_vma being the proposed one.
    for (const Change& c : changed) {
      for (uint64_t a = c.lo; a < c.hi; a += P) pages[a].flags = c.flags;
      settle_range(c.lo, c.hi, pages[c.lo].anon_vma);
      // Locked private memory made writable is faulted in for write.
      if ((c.old & (VM_WRITE | VM_SHARED | VM_LOCKED)) == VM_LOCKED && (c.flags & VM_WRITE)) {
        populate(c.lo, c.hi);
      }
    }
    return failure ? fail(*failure) : ok(0);
  }

  Outcome mremap(uint64_t addr, uint64_t old_len, uint64_t new_len, int flags, uint64_t new_addr) {
    if (flags & ~(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP)) return fail(Error::Invalid);
    if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) return fail(Error::Invalid);
    const bool keep_source = (flags & MREMAP_DONTUNMAP) != 0;
    if (keep_source && (!(flags & MREMAP_MAYMOVE) || old_len != new_len)) {
      return fail(Error::Invalid);
    }
    if (addr % P != 0) return fail(Error::Invalid);
    old_len = up(old_len);  // wraps to 0 like PAGE_ALIGN
    new_len = up(new_len);
    if (new_len == 0) return fail(Error::Invalid);
    if (!mapped(addr)) return fail(Error::Fault);
    const uint64_t vend = vma_end(addr);
    const int shared = (pages.at(addr).flags & VM_MAYSHARE) ? MAP_SHARED : 0;
    const bool file_backed = pages.at(addr).file != nullptr;
    const bool accounted_vma = (pages.at(addr).flags & VM_ACCOUNT) != 0;
    auto over_limit = [&](uint64_t len) {
      return accounted_vma && len / P > m_layout.commit_limit_pages;
    };
    if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) {
      const bool fixed = (flags & MREMAP_FIXED) != 0;
      const uint64_t task = m_layout.task_size;
      if (new_addr % P != 0) return fail(Error::Invalid);
      if (new_len > task || new_addr > task - new_len) return fail(Error::Invalid);
      const uint64_t old_end = old_len > UINT64_MAX - addr ? UINT64_MAX : addr + old_len;
      if (old_end > new_addr && new_addr + new_len > addr) return fail(Error::Invalid);
      if (map_count() + 5 >= m_layout.max_map_count) return fail(Error::NoMemory);
      if (fixed && new_addr > 0 && same_vma(new_addr - P, new_addr + new_len) &&
          map_count() >= m_layout.max_map_count) {
        return fail(Error::NoMemory);
      }
      // mremap_to(): the target goes, then the tail of a shrink, then the later checks fail
      // with those steps done. The split checks use the count from before the target went.
      const uint64_t count = map_count();
      const uint64_t tail = addr + new_len;
      auto fail_after = [&](Error error, bool shrunk) {
        Outcome unmapped = fixed ? munmap(new_addr, new_len) : ok(0);
        if (unmapped.ok() && shrunk) unmapped = munmap(tail, old_len - new_len);
        return unmapped.ok() ? fail(error) : unmapped;
      };
      if (old_len > new_len) {
        if (old_len - new_len > task || tail > task - (old_len - new_len)) {
          return fail_after(Error::Invalid, false);
        }
        if (same_vma(tail - P, addr + old_len) && count >= m_layout.max_map_count) {
          return fail_after(Error::NoMemory, false);
        }
      }
      // With old_len 0 the target may start at addr: unmapping it takes the source along.
      if (fixed && old_len == 0 && new_addr == addr) return fail_after(Error::Fault, false);
      const uint64_t move_len = old_len < new_len ? old_len : new_len;
      Outcome resize = check_resize(addr, vend, move_len, new_len, flags);
      if (!resize.ok()) return fail_after(*resize.error, old_len > new_len);
      Outcome placed =
          get_unmapped_area(new_addr, new_len, (fixed ? MAP_FIXED : 0) | shared, file_backed);
      if (!placed.ok()) return fail_after(*placed.error, old_len > new_len);
      if (over_limit(keep_source ? new_len : new_len - move_len)) {
        return fail_after(Error::NoMemory, old_len > new_len);
      }
      return move(addr, old_len, move_len, placed.value, new_len, keep_source);
    }
    if (old_len >= new_len) {
      if (old_len > new_len) {
        Outcome r = munmap(addr + new_len, old_len - new_len);
        if (!r.ok()) return r;
      }
      return ok(addr);
    }
    Outcome resize = check_resize(addr, vend, old_len, new_len, flags);
    if (!resize.ok()) return resize;
    const uint64_t delta = new_len - old_len;
    const uint64_t vstart = vma_start(addr);
    if (old_len == vend - addr && delta <= UINT64_MAX - vend && !any_mapped(vend, vend + delta) &&
        get_unmapped_area(vstart, vend + delta - vstart, MAP_FIXED).ok()) {
      if (over_limit(delta)) return fail(Error::NoMemory);
      if (pages[addr].flags & VM_SPECIAL) return fail(Error::NoMemory);
      const Page last = pages[vend - P];
      fill(vend, vend + delta, last.flags, last.file, last.pgoff + 1, last.anon_vma, last.shmem);
      pages[vend].vma_start = false;
      // vma_merge_extend(): the grown VMA's anon_vma is the proposed one towards next.
      settle_range(vend, vend + delta, last.anon_vma);
      if (last.flags & VM_LOCKED) populate(vend, vend + delta);
      return ok(addr);
    }
    if (!(flags & MREMAP_MAYMOVE)) return fail(Error::NoMemory);
    Outcome target = get_unmapped_area(0, new_len, shared, file_backed);
    if (!target.ok()) return target;
    if (over_limit(delta)) return fail(Error::NoMemory);
    return move(addr, old_len, old_len, target.value, new_len, false);
  }

  uint64_t brk(uint64_t brk) {
    const uint64_t orig = m_brk;
    if (brk < m_layout.start_brk || brk > UINT64_MAX - (P - 1)) return orig;
    const uint64_t new_brk = up(brk);
    const uint64_t old_brk = up(m_brk);
    if (old_brk == new_brk) return m_brk = brk;
    if (brk <= m_brk) {
      if (!any_mapped(new_brk, old_brk)) return orig;
      if (!munmap(new_brk, old_brk - new_brk).ok()) return orig;
      return m_brk = brk;
    }
    const uint64_t len = new_brk - old_brk;
    if (!get_unmapped_area(old_brk, len, MAP_FIXED).ok()) return orig;
    // A page stays free above the heap, and the guard gap below a stack.
    auto next = pages.lower_bound(old_brk);
    if (next != pages.end() && new_brk + P > start_gap(vma_start(next->first))) return orig;
    if (map_count() > m_layout.max_map_count) return orig;
    if (len / P > m_layout.commit_limit_pages) return orig;
    const VmFlags vm = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_ACCOUNT;
    fill(old_brk, new_brk, vm, nullptr, old_brk / P);
    // Only a VMA inside the heap area is extended, never one ending at start_brk.
    if (old_brk > m_layout.start_brk && mergeable(old_brk - P, old_brk)) {
      pages[old_brk].vma_start = false;
      unify_anon_vma(old_brk);
    }
    return m_brk = brk;
  }

  Outcome handle_fault(uint64_t addr, FaultAccess access) {
    const uint64_t page = down(addr);
    auto it = pages.find(page);
    if (it == pages.end() && !grow_stack(page)) {
      return verdict(FaultSignal::Segv, FaultCode::SegvMapErr);
    }
    it = pages.find(page);
    Page& p = it->second;
    VmFlags allowed = VM_READ | VM_WRITE;
    if (access == FaultAccess::Write) allowed = VM_WRITE;
    if (access == FaultAccess::Exec) allowed = VM_EXEC;
    if (access == FaultAccess::Read && m_layout.exec_implies_read) allowed |= VM_EXEC;
    if ((p.flags & allowed) == 0) return verdict(FaultSignal::Segv, FaultCode::SegvAccErr);
    // A write to a private mapping assigns the anon_vma (vmf_anon_prepare() in
    // do_anonymous_page, do_cow_fault and wp_page_copy), before the file's SIGBUS check; a read
    // maps the zero page or the file's page and assigns none.
    const bool private_write = access == FaultAccess::Write && !(p.flags & VM_SHARED);
    if (private_write) prepare_anon_vma(page);
    if (p.present) {
      // do_wp_page(): a write to the zero page copies it into a page of its own.
      if (private_write && p.zero) {
        p.zero = false;
        p.pa = 0;
      }
      return verdict(FaultSignal::None, FaultCode::None);
    }
    if (p.file != nullptr && p.pgoff >= p.file->pages()) {
      return verdict(FaultSignal::Bus, FaultCode::BusAdrErr);
    }
    // shmem_get_folio_gfp(): an index past the object's size (its mmap's length) is SIGBUS.
    if (p.shmem != 0 && p.pgoff >= shmem_sizes.at(p.shmem)) {
      return verdict(FaultSignal::Bus, FaultCode::BusAdrErr);
    }
    p.present = true;
    p.pa = 0;
    // shmem_fault(): the object's page for the index, a new one (its address learned from the
    // page table) on first use; it stays in the object even if mapping it fails.
    if (p.shmem != 0) p.pa = shmem_pages[{p.shmem, p.pgoff}];
    // do_anonymous_page(): a read or exec fault of private anonymous memory maps the zero page.
    p.zero = access != FaultAccess::Write && p.file == nullptr && !(p.flags & VM_SHARED);
    return verdict(FaultSignal::None, FaultCode::None);
  }

  // madvise(MADV_DONTNEED): VMA by VMA, holes noted and reported at the end; shared file pages
  // stay mapped, shared anonymous ones lose their translations but stay in their object.
  // The advice that changes VMA flags is not modelled: the random programs never give it (8,
  // MADV_FREE, stands for an advice refused).
  Outcome madvise(uint64_t start, uint64_t len, int advice) {
    if (advice != MADV_DONTNEED && advice != MADV_DONTNEED_LOCKED) return fail(Error::Invalid);
    if (start % P != 0 || len > UINT64_MAX - (P - 1)) return fail(Error::Invalid);
    const uint64_t end = start + up(len);
    if (end < start) return fail(Error::Invalid);
    bool hole = false;
    for (uint64_t a = start; a < end; a += P) {
      auto it = pages.lower_bound(a);
      if (it == pages.end()) return fail(Error::NoMemory);
      if (it->first > a) hole = true;
      if (it->first >= end) break;
      a = it->first;
      // A VMA that refuses the advice stops the walk before any of its pages go.
      const VmFlags forbidden = VM_PFNMAP | (advice == MADV_DONTNEED ? VM_LOCKED : 0);
      if (it->second.flags & forbidden) return fail(Error::Invalid);
      Page& p = it->second;
      if (!(p.flags & VM_SHARED) || p.shmem != 0) {
        p.present = p.zero = false;
        p.pa = 0;
      }
    }
    return hole ? fail(Error::NoMemory) : ok(0);
  }

  // mincore: one byte per page up to the first hole; file pages within the file are resident,
  // and shared anonymous pages their object holds, mapped here or not.
  Outcome mincore(uint64_t start, uint64_t len, uint8_t* vec, uint64_t capacity) const {
    if (start % P != 0) return fail(Error::Invalid);
    if (len > m_layout.task_size || start > m_layout.task_size - len) return fail(Error::NoMemory);
    const uint64_t want = std::min((len + P - 1) / P, capacity);
    uint64_t n = 0;
    for (; n < want; n++) {
      auto it = pages.find(start + n * P);
      if (it == pages.end()) break;
      const Page& p = it->second;
      const bool in_object = p.shmem != 0 && shmem_pages.count({p.shmem, p.pgoff}) != 0;
      vec[n] = p.present || in_object || (p.file != nullptr && p.pgoff < p.file->pages()) ? 1 : 0;
    }
    if (want != 0 && n == 0) return fail(Error::NoMemory);
    return ok(n);
  }

  // The address mmap would pick (get_unmapped_area, top-down, with the stack guard gap).
  Outcome get_unmapped_area(uint64_t addr, uint64_t len, int flags,
                            bool file_backed = false) const {
    const AddressSpaceLayout& l = m_layout;
    // Up to TASK_SIZE only for a hint above the default window, which also raises the top-down
    // search's start by the difference.
    const bool high = addr > l.mmap_window;
    const uint64_t end = high ? l.task_size : l.mmap_window;
    if (len > l.task_size || len > end - l.mmap_min_addr) return fail(Error::NoMemory);
    // THP alignment of private anonymous memory asked for without a hint: a padded search,
    // then the PMD boundary inside it (one PMD up when the padded range is aligned).
    constexpr uint64_t PMD = THP_PMD_SIZE;
    if (l.thp && addr == 0 && !file_backed && !(flags & (MAP_SHARED | MAP_FIXED)) &&
        len % PMD == 0 && len <= UINT64_MAX - PMD) {
      Outcome padded = get_unmapped_area(0, len + PMD, flags, true);
      if (padded.ok()) {
        const uint64_t misalign = (PMD - padded.value % PMD) % PMD;
        return ok(padded.value + (misalign == 0 ? PMD : misalign));
      }
    }
    if (!(flags & MAP_FIXED)) {
      const uint64_t hint = addr == 0 || addr > UINT64_MAX - (P - 1) ? 0 : up(addr);
      if (hint != 0 && hint >= l.mmap_min_addr && hint <= end - len && fits(hint, len)) {
        return ok(hint);
      }
      const uint64_t low = l.mmap_min_addr > P ? l.mmap_min_addr : P;
      const uint64_t top = l.mmap_base + (high ? l.task_size - l.mmap_window : 0);
      uint64_t found = 0;
      if (!topdown(low, top, len, &found) && !bottomup(l.unmapped_base, end, len, &found)) {
        return fail(Error::NoMemory);
      }
      addr = found;
    }
    if (addr > l.task_size - len) return fail(Error::NoMemory);
    if (addr % P != 0) return fail(Error::Invalid);
    if (addr < l.mmap_min_addr) return fail(Error::Permission);
    return ok(addr);
  }

  // The states a failed mremap move may leave at its destination [to, to + len): emptied, or
  // still mapped like the source at addr (its pages not moved) when unmapping it needs memory.
  void failed_move(uint64_t addr, uint64_t to, uint64_t len, bool keep_new) {
    const Page first = pages.at(addr);
    cut(to + len);
    erase(to, to + len);
    if (!keep_new) return;
    fill(to, to + len, first.flags, first.file, copied_pgoff(first, to), first.anon_vma,
         first.shmem);
    settle_range(to, to + len, first.anon_vma);
  }

  std::vector<VmaRun> vmas() const {
    std::vector<VmaRun> out;
    uint64_t last = 0;
    for (const auto& [a, p] : pages) {
      if (p.vma_start) {
        out.push_back({a, a + P, p.flags, p.file, p.pgoff, p.anon_vma, p.shmem});
      } else if (out.empty() || last + P != a) {
        out.push_back({a, a + P, VmFlags{0xbad}, nullptr, 0, 0, 0});  // a start mark is missing
      } else if (out.back().anon_vma != p.anon_vma) {
        out.push_back({a, a + P, VmFlags{0xbad}, nullptr, 1, 0, 0});  // anon_vma differs in a VMA
      } else if (out.back().shmem != p.shmem) {
        out.push_back({a, a + P, VmFlags{0xbad}, nullptr, 2, 0, 0});  // two objects in a VMA
      } else {
        out.back().end = a + P;
      }
      last = a;
    }
    return out;
  }

  uint64_t map_count() const {
    uint64_t n = 0;
    for (const auto& [a, p] : pages) n += p.vma_start ? 1 : 0;
    return n;
  }

 private:
  static constexpr uint64_t P = PAGE_SIZE;
  static uint64_t up(uint64_t v) { return (v + P - 1) & ~(P - 1); }
  static uint64_t down(uint64_t v) { return v & ~(P - 1); }
  static Outcome fail(Error e) { return Outcome{e, 0, {}, {}}; }
  static Outcome ok(uint64_t v) { return Outcome{std::nullopt, v, {}, {}}; }
  static Outcome verdict(FaultSignal s, FaultCode c) {
    return Outcome{std::nullopt, 0, {s, c}, {}};
  }

  bool mapped(uint64_t a) const { return pages.count(a) != 0; }
  bool any_mapped(uint64_t start, uint64_t end) const {
    auto it = pages.lower_bound(start);
    return it != pages.end() && it->first < end;
  }
  uint64_t vma_start(uint64_t a) const {
    while (!pages.at(a).vma_start) a -= P;
    return a;
  }
  uint64_t vma_end(uint64_t a) const {
    for (a += P;; a += P) {
      auto it = pages.find(a);
      if (it == pages.end() || it->second.vma_start) return a;
    }
  }
  // Whether pages a and b (b > a) lie in one VMA.
  bool same_vma(uint64_t a, uint64_t b) const {
    if (!mapped(a) || !mapped(b)) return false;
    for (uint64_t x = a + P; x <= b; x += P) {
      if (!mapped(x) || pages.at(x).vma_start) return false;
    }
    return true;
  }
  // is_mergeable_vma() plus contiguous offsets, for the pages either side of a boundary.
  bool mergeable(uint64_t left, uint64_t right) const {
    auto l = pages.find(left);
    auto r = pages.find(right);
    if (l == pages.end() || r == pages.end()) return false;
    const Page& a = l->second;
    const Page& b = r->second;
    if ((a.flags | b.flags) & VM_SPECIAL) return false;
    if ((a.flags ^ b.flags) & ~VM_SOFTDIRTY) return false;
    if (a.file != b.file || a.shmem != b.shmem) return false;
    return a.pgoff + 1 == b.pgoff;
  }
  // A VMA boundary where the range starting at a was split off.
  void cut(uint64_t a) {
    auto it = pages.find(a);
    if (it != pages.end()) it->second.vma_start = true;
  }
  // A range [lo, hi) with anon_vma `proposed` tries to merge with the VMAs either side
  // (vma_merge_new_range, vma_merge_existing_range): can_vma_merge_left/right, where each
  // neighbour must accept the proposed anon_vma (is_mergeable_anon_vma: a neighbour without
  // one accepts none), and prev and next each other when both merge. The merged VMA then has
  // the anon_vma any part had (dup_anon_vma).
  // Pages in [skip_lo, skip_hi) are never merged with (a source kept by MREMAP_DONTUNMAP).
  void settle_range(uint64_t lo, uint64_t hi, uint64_t proposed, uint64_t skip_lo = 0,
                    uint64_t skip_hi = 0) {
    auto accepts = [&](uint64_t neighbour) {
      if (neighbour >= skip_lo && neighbour < skip_hi) return false;
      return proposed == 0 || proposed == pages.at(neighbour).anon_vma;
    };
    const bool left = lo >= P && mergeable(lo - P, lo) && accepts(lo - P);
    bool right = mergeable(hi - P, hi) && accepts(hi);
    if (right && left) {
      const uint64_t a = pages.at(lo - P).anon_vma;
      const uint64_t b = pages.at(hi).anon_vma;
      right = a == 0 || b == 0 || a == b;
    }
    if (pages.count(lo)) pages[lo].vma_start = !left;
    if (pages.count(hi)) pages[hi].vma_start = !right;
    unify_anon_vma(lo);
  }
  // Gives every page of the VMA holding a the anon_vma one of them has.
  void unify_anon_vma(uint64_t a) {
    const uint64_t lo = vma_start(a);
    const uint64_t hi = vma_end(a);
    uint64_t av = 0;
    for (uint64_t x = lo; x < hi; x += P) av = av != 0 ? av : pages.at(x).anon_vma;
    for (uint64_t x = lo; x < hi; x += P) pages.at(x).anon_vma = av;
  }
  void set_anon_vma(uint64_t a, uint64_t av) {
    const uint64_t hi = vma_end(a);
    for (uint64_t x = vma_start(a); x < hi; x += P) pages.at(x).anon_vma = av;
    m_last_anon_vma = std::max(m_last_anon_vma, av);
  }
  // anon_vma_compatible(): the VMAs at a (ending at b) and at b touch, map the same file
  // linearly, and differ in access bits and VM_SOFTDIRTY at most.
  bool anon_vma_compatible(uint64_t a_last, uint64_t b_first) const {
    const Page& a = pages.at(a_last);
    const Page& b = pages.at(b_first);
    return a.file == b.file && ((a.flags ^ b.flags) & ~(VM_ACCESS_FLAGS | VM_SOFTDIRTY)) == 0 &&
           b.pgoff == a.pgoff + 1;
  }
  // anon_vma_prepare() for the VMA holding a: keep its anon_vma, else reuse the next VMA's,
  // else the previous one's (find_mergeable_anon_vma), else a fresh one.
  void prepare_anon_vma(uint64_t a) {
    if (pages.at(a).anon_vma != 0) return;
    const uint64_t lo = vma_start(a);
    const uint64_t hi = vma_end(a);
    uint64_t av = 0;
    if (mapped(hi) && pages.at(hi).anon_vma != 0 && anon_vma_compatible(hi - P, hi)) {
      av = pages.at(hi).anon_vma;
    } else if (lo >= P && mapped(lo - P) && pages.at(lo - P).anon_vma != 0 &&
               anon_vma_compatible(lo - P, lo)) {
      av = pages.at(lo - P).anon_vma;
    } else {
      av = m_last_anon_vma + 1;
    }
    set_anon_vma(a, av);
  }
  // copy_vma(): an anonymous VMA never faulted in takes the offset of its new address.
  static uint64_t copied_pgoff(const Page& first, uint64_t to) {
    if (first.file == nullptr && !(first.flags & VM_SHARED) && first.anon_vma == 0) return to / P;
    return first.pgoff;
  }
  // Unmaps [start, end); a shmem object none of whose pages is mapped any more goes with its
  // pages (its last VMA's close).
  void erase(uint64_t start, uint64_t end) {
    std::vector<uint64_t> objects;
    for (auto it = pages.lower_bound(start); it != pages.end() && it->first < end; ++it) {
      if (it->second.shmem != 0) objects.push_back(it->second.shmem);
    }
    pages.erase(pages.lower_bound(start), pages.lower_bound(end));
    for (uint64_t object : objects) {
      const bool mapped_still = std::any_of(
          pages.begin(), pages.end(), [&](const auto& e) { return e.second.shmem == object; });
      if (mapped_still) continue;
      shmem_pages.erase(shmem_pages.lower_bound({object, 0}),
                        shmem_pages.lower_bound({object + 1, 0}));
    }
  }
  void fill(uint64_t start, uint64_t end, VmFlags flags, const VmFile* file, uint64_t pgoff,
            uint64_t anon_vma = 0, uint64_t shmem = 0) {
    for (uint64_t a = start; a < end; a += P) {
      pages[a] =
          Page{flags, file, pgoff + (a - start) / P, a == start, false, 0, anon_vma, false, shmem};
    }
  }
  // expand_downwards(): the VMA above the unmapped page grows down to it when it is a stack and
  // the floor, the guard gap below, its offset and the stack limit allow.
  bool grow_stack(uint64_t page) {
    auto above = pages.upper_bound(page);
    if (above == pages.end() || !(above->second.flags & VM_GROWSDOWN)) return false;
    if (page < m_layout.mmap_min_addr) return false;
    if (above != pages.begin()) {
      const auto& [last, prev] = *std::prev(above);
      if (!(prev.flags & VM_GROWSDOWN) && (prev.flags & VM_ACCESS_FLAGS) &&
          page - (last + P) < m_layout.stack_guard_gap) {
        return false;
      }
    }
    const uint64_t start = above->first;
    // expand_downwards() prepares the anon_vma before its size checks, which may still refuse.
    prepare_anon_vma(start);
    const Page top = pages.at(start);
    const uint64_t grow = (start - page) / P;
    if (grow > top.pgoff) return false;
    if (vma_end(start) - page > m_layout.stack_rlimit) return false;
    if (grow > m_layout.commit_limit_pages) return false;
    fill(page, start, top.flags, top.file, top.pgoff - grow, top.anon_vma);
    pages[start].vma_start = false;
    return true;
  }
  // vm_start_gap() of the VMA starting at a.
  uint64_t start_gap(uint64_t a) const {
    if (!(pages.at(a).flags & VM_GROWSDOWN)) return a;
    return a > m_layout.stack_guard_gap ? a - m_layout.stack_guard_gap : 0;
  }
  // [a, a + len) is free and ends at or below the guard gap of the VMA above it.
  bool fits(uint64_t a, uint64_t len) const {
    if (any_mapped(a, a + len)) return false;
    auto next = pages.lower_bound(a + len);
    return next == pages.end() || a + len <= start_gap(next->first);
  }
  bool topdown(uint64_t low, uint64_t high, uint64_t len, uint64_t* out) const {
    uint64_t end = high;
    while (end >= len && end - len >= low) {
      const uint64_t a = end - len;
      auto above = pages.lower_bound(end);
      auto inside = pages.lower_bound(a);
      if (inside != above) {
        end = std::prev(above)->first;  // the highest page in the way
        continue;
      }
      if (above != pages.end() && end > start_gap(above->first)) {
        end = down(start_gap(above->first));
        continue;
      }
      *out = a;
      return true;
    }
    return false;
  }
  bool bottomup(uint64_t low, uint64_t high, uint64_t len, uint64_t* out) const {
    uint64_t a = up(low);
    while (a < high && len <= high - a) {
      auto inside = pages.lower_bound(a);
      if (inside != pages.end() && inside->first < a + len) {
        a = vma_end(inside->first);
        continue;
      }
      if (inside != pages.end() && a + len > start_gap(inside->first)) {
        a = vma_end(inside->first);
        continue;
      }
      *out = a;
      return true;
    }
    return false;
  }
  Outcome check_resize(uint64_t addr, uint64_t vend, uint64_t old_len, uint64_t new_len,
                       int flags) const {
    const VmFlags vm = pages.at(addr).flags;
    if (old_len == 0 && !(vm & (VM_SHARED | VM_MAYSHARE))) return fail(Error::Invalid);
    if ((flags & MREMAP_DONTUNMAP) && (vm & (VM_DONTEXPAND | VM_PFNMAP))) {
      return fail(Error::Invalid);
    }
    if (old_len > vend - addr) return fail(Error::Fault);
    if (new_len == old_len) return ok(0);
    const uint64_t pgoff = pages.at(addr).pgoff;
    if (pgoff + new_len / P < pgoff) return fail(Error::Invalid);
    if (pages.at(addr).flags & (VM_DONTEXPAND | VM_PFNMAP)) return fail(Error::Fault);
    return ok(0);
  }
  // move_vma(): the new range takes the attributes (and present pages) of the old one, which
  // goes unless it is kept (MREMAP_DONTUNMAP) or nothing is removed (old_len 0, a duplicate).
  Outcome move(uint64_t addr, uint64_t remove_len, uint64_t move_len, uint64_t to, uint64_t new_len,
               bool keep_source) {
    if (map_count() + 3 >= m_layout.max_map_count) return fail(Error::NoMemory);
    const bool removes = !keep_source && remove_len != 0;
    // The source's attributes, from its first page in the range (offset included).
    const Page first = pages.at(addr);
    const bool locked = (first.flags & VM_LOCKED) != 0;
    std::map<uint64_t, Page> carried(pages.lower_bound(addr), pages.lower_bound(addr + move_len));
    const uint64_t remove_end = addr + (removes ? remove_len : move_len);
    if (keep_source) {
      // The target is gone before the copy looks at its neighbours.
      cut(to);
      cut(to + new_len);
      erase(to, to + new_len);
    }
    if (removes || (keep_source && locked)) {
      cut(addr);
      cut(remove_end);
    }
    // An unfaulted anonymous copy of a source that stays must not merge with it.
    const bool unfaulted =
        first.file == nullptr && !(first.flags & VM_SHARED) && first.anon_vma == 0;
    const uint64_t src_lo = vma_start(addr);
    const uint64_t src_hi = vma_end(addr);
    cut(to + new_len);
    erase(to, to + new_len);
    fill(to, to + new_len, first.flags, first.file, copied_pgoff(first, to), first.anon_vma,
         first.shmem);
    for (const auto& [a, p] : carried) {
      pages[to + (a - addr)].present = p.present;
      pages[to + (a - addr)].pa = p.pa;
      pages[to + (a - addr)].zero = p.zero;
    }
    if (keep_source && unfaulted) {
      settle_range(to, to + new_len, first.anon_vma, src_lo, src_hi);
    } else {
      settle_range(to, to + new_len, first.anon_vma);
    }
    if (keep_source) {
      // The old range keeps its VMA without its pages; the VMA loses VM_LOCKED, and when it is
      // exactly the old range its anon_vma, a private anonymous one its offset too.
      const uint64_t lo = vma_start(addr);
      const uint64_t hi = vma_end(addr);
      for (uint64_t x = lo; x < hi; x += P) pages.at(x).flags &= ~VM_LOCKED_MASK;
      for (uint64_t x = addr; x < addr + move_len; x += P) {
        pages.at(x).present = pages.at(x).zero = false;
        pages.at(x).pa = 0;
      }
      if (lo == addr && hi == addr + move_len) {
        for (uint64_t x = lo; x < hi; x += P) {
          Page& p = pages.at(x);
          p.anon_vma = 0;
          if (p.file == nullptr && !(p.flags & VM_SHARED)) p.pgoff = x / P;
        }
      }
      return ok(to);
    }
    if (removes) {
      erase(addr, remove_end);
      // The new VMA may have merged with the source itself (copy_vma()); with the source gone,
      // it starts a VMA of its own again.
      cut(remove_end);
    }
    if (locked && new_len > move_len) populate(to + move_len, to + new_len);
    return ok(to);
  }

  // mm_populate(): VMA by VMA, each page faulted as get_user_pages() would (write for private
  // writable memory, else a forced read), failures ignored.
  void populate(uint64_t start, uint64_t end) {
    for (uint64_t a = start; a < end;) {
      auto it = pages.lower_bound(a);
      if (it == pages.end() || it->first >= end) return;
      a = it->first;
      const uint64_t stop = std::min(vma_end(a), end);
      const VmFlags flags = it->second.flags;
      const bool skip =
          (flags & (VM_IO | VM_PFNMAP | VM_LOCKONFAULT)) || !(flags & VM_ACCESS_FLAGS);
      FaultAccess access = FaultAccess::Read;
      if ((flags & (VM_WRITE | VM_SHARED)) == VM_WRITE) {
        access = FaultAccess::Write;
      } else if (!(flags & (VM_READ | VM_WRITE))) {
        access = FaultAccess::Exec;
      }
      for (uint64_t x = a; !skip && x < stop; x += P) {
        if (handle_fault(x, access).verdict.signal != FaultSignal::None) break;
      }
      a = stop;
    }
  }

  // The pages of [start, end) in VM_ACCOUNT VMAs.
  uint64_t accounted(uint64_t start, uint64_t end) const {
    uint64_t n = 0;
    for (auto it = pages.lower_bound(start); it != pages.end() && it->first < end; ++it) {
      n += (it->second.flags & VM_ACCOUNT) ? 1 : 0;
    }
    return n;
  }

  AddressSpaceLayout m_layout;
  uint64_t m_brk;
  uint64_t m_last_anon_vma = 0;
  uint64_t m_last_shmem = 0;
};
