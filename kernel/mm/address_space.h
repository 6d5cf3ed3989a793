// AddressSpace: one user address space (Linux's mm_struct) as a VmaTree of Vma objects, with
// mmap, munmap, special mappings and demand faults following Linux's mm/mmap.c, mm/vma.c and
// mm/memory.c (v6.12), and its /proc/PID/maps text. It does no I/O and includes no arch header:
// VMA objects, tree nodes, page-table updates and anonymous pages come through the injected
// VmaAllocator, VmaTreeAllocator, MmuOps and PageSource, so the kernels and the host tests run
// the very same code. The page tables are the only record of which pages are present: the
// address space asks the MMU (MmuOps::walk) when it needs to know.
//
// Errors leave what Linux 6.12 leaves: mostly nothing; mprotect and madvise work VMA by VMA and
// keep what they did before the failing VMA, and mremap with MREMAP_FIXED has unmapped its
// target before its later checks (see each). Where Linux's state after an error would depend on
// the kernel itself running out of memory (a VMA, a tree node, a page-table page), every
// operation reserves what it may need first, and such an error leaves the tree, the VMAs, the
// map count and the page tables as they were (mremap's page moves excepted, see there).
// Overcommit is not the kernel running out of memory: it follows Linux's OVERCOMMIT_GUESS rule
// (AddressSpaceLayout::commit_limit_pages) in Linux's order of checks.
//
// Not thread-safe: callers serialise like Linux's mmap_lock held for writing.
#pragma once

#include <stdint.h>

#include "kernel/lib/format.h"
#include "kernel/lib/result.h"
#include "kernel/mm/mmu_ops.h"
#include "kernel/mm/page_source.h"
#include "kernel/mm/shmem_pages.h"
#include "kernel/mm/special_mapping.h"
#include "kernel/mm/vma.h"
#include "kernel/mm/vma_tree.h"

// mmap's prot and flags, the values of include/uapi/asm-generic/mman-common.h, which arm64 and
// powerpc share for every bit used here.
inline constexpr int PROT_NONE = 0x0;
inline constexpr int PROT_READ = 0x1;
inline constexpr int PROT_WRITE = 0x2;
inline constexpr int PROT_EXEC = 0x4;
// arm64 only (arch/arm64/include/uapi/asm/mman.h); each ignored by mmap unless the layout
// supports it.
inline constexpr int PROT_BTI = 0x10;
inline constexpr int PROT_MTE = 0x20;
inline constexpr int PROT_SEM = 0x8;  // accepted and ignored, as everywhere but alpha
inline constexpr int PROT_GROWSDOWN = 0x01000000;
inline constexpr int PROT_GROWSUP = 0x02000000;
inline constexpr int MAP_SHARED = 0x01;
inline constexpr int MAP_PRIVATE = 0x02;
inline constexpr int MAP_SHARED_VALIDATE = 0x03;
inline constexpr int MAP_DROPPABLE = 0x08;  // include/uapi/linux/mman.h
inline constexpr int MAP_TYPE = 0x0f;
inline constexpr int MAP_FIXED = 0x10;
inline constexpr int MAP_ANONYMOUS = 0x20;
inline constexpr int MAP_GROWSDOWN = 0x0100;
inline constexpr int MAP_DENYWRITE = 0x0800;
inline constexpr int MAP_EXECUTABLE = 0x1000;
inline constexpr int MAP_POPULATE = 0x008000;
inline constexpr int MAP_NONBLOCK = 0x010000;
inline constexpr int MAP_STACK = 0x020000;
inline constexpr int MAP_HUGETLB = 0x040000;
inline constexpr int MAP_SYNC = 0x080000;
inline constexpr int MAP_FIXED_NOREPLACE = 0x100000;
inline constexpr int MAP_UNINITIALIZED = 0x4000000;
inline constexpr int MAP_HUGE_2MB = 21 << 26;  // HUGETLB_FLAG_ENCODE_2MB
inline constexpr int MAP_HUGE_1GB = 30 << 26;
// MAP_LOCKED and MAP_NORESERVE differ by arch: 0x2000 and 0x4000 in
// include/uapi/asm-generic/mman.h (arm64), 0x80 and 0x40 in arch/powerpc/include/uapi/asm/mman.h;
// AddressSpaceLayout carries the values in use.
inline constexpr int MAP_LOCKED_GENERIC = 0x2000;
inline constexpr int MAP_NORESERVE_GENERIC = 0x4000;
inline constexpr int MAP_LOCKED_POWERPC = 0x80;
inline constexpr int MAP_NORESERVE_POWERPC = 0x40;
inline constexpr int MREMAP_MAYMOVE = 1;
inline constexpr int MREMAP_FIXED = 2;
inline constexpr int MREMAP_DONTUNMAP = 4;
// madvise advice (include/uapi/asm-generic/mman-common.h).
inline constexpr int MADV_NORMAL = 0;
inline constexpr int MADV_RANDOM = 1;
inline constexpr int MADV_SEQUENTIAL = 2;
inline constexpr int MADV_WILLNEED = 3;
inline constexpr int MADV_DONTNEED = 4;
inline constexpr int MADV_DONTFORK = 10;
inline constexpr int MADV_DOFORK = 11;
inline constexpr int MADV_COLD = 20;
inline constexpr int MADV_PAGEOUT = 21;
inline constexpr int MADV_DONTNEED_LOCKED = 24;

// Signals a fault can end in and their si_code, with the values of
// include/uapi/asm-generic/signal.h and siginfo.h (arm64 and powerpc use the generic numbers).
// Enums rather than SIGSEGV-style constants: the host's <signal.h> defines those as macros.
enum class FaultSignal : uint8_t { None = 0, Bus = 7, Segv = 11 };
enum class FaultCode : uint8_t {
  None = 0,
  SegvMapErr = 1,  // SEGV_MAPERR: no mapping at the address
  SegvAccErr = 2,  // SEGV_ACCERR: a mapping without the permission
  BusAdrErr = 2,   // BUS_ADRERR: past the end of the object behind the mapping
};

enum class FaultAccess : uint8_t { Read, Write, Exec };

// What the fault handler decided: FaultSignal::None means the page is now mapped and the access
// can be retried; otherwise the signal and si_code to deliver.
struct FaultVerdict {
  FaultSignal signal = FaultSignal::None;
  FaultCode code = FaultCode::None;
};

// VMA objects for an address space; alloc returns nullptr when out of memory.
struct VmaAllocator {
  Vma* (*alloc)(void* context);
  void (*free)(void* context, Vma* vma);
  void* context;
};

struct AddressSpaceLayout {
  uint64_t mmap_min_addr = 0x10000;  // lowest mappable address (vm.mmap_min_addr default 64 KiB)
  uint64_t mmap_base = 0;            // top-down placement searches below this
  uint64_t task_size = 0;            // TASK_SIZE: every mapping ends at or below it
  // DEFAULT_MAP_WINDOW: placements end at or below it unless their hint lies above it
  // (arch_get_mmap_end(), arm64 with 52-bit user VAs); task_size where the arch has no window.
  uint64_t mmap_window = 0;
  uint64_t unmapped_base = 0;      // TASK_UNMAPPED_BASE: bottom-up fallback starts here
  uint64_t max_map_count = 65530;  // vm.max_map_count default (DEFAULT_MAX_MAP_COUNT)
  // system_supports_mte(): anonymous mappings get VM_MTE_ALLOWED and PROT_MTE sets VM_MTE.
  bool mte = false;
  // system_supports_bti(): PROT_BTI sets VM_ARM64_BTI (arm64's arch_calc_vm_prot_bits()).
  bool bti = false;
  // Whether a mapping with only VM_EXEC may be read: arm64 without FEAT_EPAN lets it (its page
  // tables cannot express execute-only), arm64 with EPAN does not, nor does powerpc (radix has
  // execute-only pages: Linux's protection map gives PROT_EXEC PAGE_EXECONLY_X, and
  // arch/powerpc/mm/fault.c refuses the read). VM_WRITE always implies read. /proc/PID/maps shows
  // the VMA's flags either way ("--xp").
  bool exec_implies_read = false;
  // The program break: brk() grows the heap from start_brk; brk is its initial value. They and
  // the initial stack pointer also name "[heap]" and "[stack]" in /proc/PID/maps.
  uint64_t start_brk = 0;
  uint64_t brk = 0;
  uint64_t start_stack = 0;
  // stack_guard_gap (boot parameter, default 256 pages): placement keeps this much free below a
  // VM_GROWSDOWN mapping, and brk stops short of it.
  uint64_t stack_guard_gap = 256 * PAGE_SIZE;
  // RLIMIT_STACK (default _STK_LIM, 8 MiB): a VM_GROWSDOWN VMA grows on a fault only while its
  // size stays within it.
  uint64_t stack_rlimit = 8 * 1024 * 1024;
  // The arch's MAP_LOCKED and MAP_NORESERVE bits (see MAP_LOCKED_GENERIC).
  int map_locked = MAP_LOCKED_GENERIC;
  int map_noreserve = MAP_NORESERVE_GENERIC;
  // mmap refuses prot bits mprotect refuses (powerpc's mmap calls arch_validate_prot(); the
  // generic one ignores unknown bits).
  bool mmap_validates_prot = false;
  // totalram_pages() + total_swap_pages, what overcommit (OVERCOMMIT_GUESS, 6.12's default:
  // __vm_enough_memory() in mm/util.c) compares each charge with: a private writable mapping,
  // a brk growth, a stack growth, an mprotect making memory writable or an mremap growing
  // accounted memory is NoMemory when it alone needs more pages than this. The kernels set the
  // page allocator's total (there is no swap); the default never refuses.
  uint64_t commit_limit_pages = UINT64_MAX;
  // CONFIG_TRANSPARENT_HUGEPAGE (set in Debian's arm64 and ppc64el 6.12 configs): MAP_STACK
  // sets VM_NOHUGEPAGE, and placement aligns private anonymous mappings made without a hint
  // whose length is a multiple of THP_PMD_SIZE to that size (see get_unmapped_area).
  bool thp = false;
};

// PMD_SIZE with 4 KiB pages on both arches: arm64's level-2 block and powerpc radix's PMD
// (arch/powerpc/include/asm/book3s/64/radix-4k.h: a PTE page maps 2^9 pages).
inline constexpr uint64_t THP_PMD_SIZE = 2 * 1024 * 1024;

// The arch's state kept per address space beside the VMAs (Linux's mm->context): vdso is the
// start of the vDSO text, 0 when there is none (exec installs it; the vDSO's special-mapping hooks
// move or clear it as each arch's vdso.c does). The kernel reads it for the signal trampoline.
struct MmContext {
  uint64_t vdso = 0;
};

class AddressSpace {
 public:
  AddressSpace(const AddressSpaceLayout& layout, const VmaAllocator& vmas,
               const VmaTreeAllocator& nodes, const MmuOps& mmu, const PageSource& pages);
  // Unmaps everything, freeing the pages faulted in and running the close hooks of special
  // mappings.
  ~AddressSpace();
  AddressSpace(const AddressSpace&) = delete;
  AddressSpace& operator=(const AddressSpace&) = delete;

  // Linux's mmap (do_mmap + mmap_region). file is ignored with MAP_ANONYMOUS; offset is in bytes.
  // Returns the start of the mapping. Errors, checked in Linux's order:
  //   Invalid    len == 0; offset not page aligned; MAP_HUGETLB with a file; no or an unknown
  //              MAP_TYPE (MAP_SHARED_VALIDATE is one only for a file, MAP_DROPPABLE only for
  //              anonymous memory); MAP_FIXED address not page aligned; a MAP_FIXED range that
  //              would split a special mapping; MAP_GROWSDOWN with a file, shared anonymous or
  //              MAP_DROPPABLE memory; MAP_DROPPABLE with MAP_LOCKED or MAP_HUGETLB; PROT_MTE on
  //              a file (arch_validate_flags); with mmap_validates_prot (powerpc), prot bits
  //              other than READ/WRITE/EXEC/SEM, checked first
  //   Overflow   the file range would end past MAX_LFS_FILESIZE (file_mmap_ok)
  //   NotSupported  MAP_SHARED_VALIDATE on a file with a flag outside LEGACY_MAP_MASK
  //   NoMemory   len rounds up past 2^64 or exceeds the task size; no free range; a MAP_FIXED
  //              range past task_size; the map count already above max_map_count (or at it when
  //              a split is needed); VMA or tree memory ran out
  //   Permission MAP_FIXED below mmap_min_addr
  //   Exists     MAP_FIXED_NOREPLACE over anything mapped
  //   BadFile    neither MAP_ANONYMOUS nor a file
  // PROT_BTI sets VM_ARM64_BTI and PROT_MTE VM_MTE where the layout supports them.
  // MAP_NORESERVE sets VM_NORESERVE (overcommit is OVERCOMMIT_GUESS). MAP_DROPPABLE maps private
  // anonymous memory with VM_DROPPABLE, VM_NORESERVE, VM_WIPEONFORK
  // and VM_DONTDUMP (never dropped here: there is no memory pressure). MAP_LOCKED sets VM_LOCKED
  // (no RLIMIT_MEMLOCK here, as for a task with CAP_IPC_LOCK), MAP_STACK VM_NOHUGEPAGE when the
  // layout has THP. Private writable memory without VM_NORESERVE is accounted (VM_ACCOUNT): its
  // pages, less those of accounted VMAs it replaces, are charged, NoMemory past the commit
  // limit. Shared anonymous memory is a shmem file of its own (Vma::shmem_inode, "/dev/zero
  // (deleted)" in maps) whose whole size is charged unless VM_NORESERVE; past the commit limit
  // that is NoMemory with the range left unmapped. After the mapping (and its merge), VM_LOCKED or
  // MAP_POPULATE without MAP_NONBLOCK faults its pages in as mm_populate() does: write faults in
  // private writable memory (which assign an anon_vma), read faults elsewhere, nothing for
  // PROT_NONE; a fault that fails there is ignored and leaves the rest of that VMA unpopulated, as
  // in Linux. A mapping merges with compatible neighbours (same flags but for VM_SOFTDIRTY,
  // VM_ACCOUNT and VM_LOCKED among them; same file, shmem file or anon name; contiguous offsets;
  // not VM_SPECIAL, not special), each of which must accept the new range's anon_vma (none) and,
  // when it merges on both sides, prev's and next's anon_vmas must be equal or one absent (mm/vma.c
  // can_vma_merge_right()). The same anon_vma rule decides every merge: a range carrying an
  // anon_vma (see handle_fault) merges only into VMAs with that very anon_vma; one without merges
  // into any.
  Result<uint64_t> mmap(uint64_t addr, uint64_t len, int prot, int flags,
                        const VmFile* file = nullptr, uint64_t offset = 0,
                        const char* anon_name = nullptr);

  // Linux's munmap: removes [start, start + PAGE_ALIGN(len)), splitting VMAs at both ends; holes
  // are fine and unmapping nothing succeeds. Invalid for an unaligned start, len == 0, a range
  // past task_size, or one that cuts a special mapping; NoMemory when a split (a range strictly
  // inside one VMA) needs a VMA or node that is not there, or would take the map count past
  // max_map_count. Removing whole VMAs and trimming them at either end needs no memory.
  Result<void> munmap(uint64_t start, uint64_t len);

  // Linux's mprotect (do_mprotect_pkey, mprotect_fixup): sets the access bits of every VMA in
  // [start, start + PAGE_ALIGN(len)) to prot, splitting VMAs at both ends and merging pieces that
  // end up compatible with their neighbours; the present pages get the new access bits through
  // MmuOps::protect. VM_ARM64_BTI (VM_ARCH_CLEAR) is set by PROT_BTI and cleared without it;
  // VM_MTE, once set, stays.
  // Making private memory writable accounts it (VM_ACCOUNT, charging the pages changed);
  // making it read-only clears VM_ACCOUNT only for anonymous memory without an anon_vma.
  // VM_LOCKED private memory made writable has the pages changed faulted in for write.
  // len == 0 succeeds. Errors, in Linux's order (the first VMA in address order decides):
  //   Invalid   start not page aligned; PROT_GROWSDOWN with PROT_GROWSUP; prot bits other than
  //             READ/WRITE/EXEC/SEM (and BTI and MTE where the layout supports them);
  //             PROT_GROWSDOWN on a VMA without VM_GROWSDOWN; PROT_GROWSUP (no VM_GROWSUP on
  //             arm64 or powerpc); PROT_MTE on a VMA without VM_MTE_ALLOWED; a split of a special
  //             mapping
  //   NoMemory  the end wraps; a hole anywhere in the range (or nothing mapped at start); a
  //             charge past the commit limit; a split past max_map_count; VMA or tree memory ran
  //             out
  //   Access    a permission beyond the VMA's VM_MAY* bits
  // As in Linux, an error found at a VMA (or at a hole after it) leaves the VMAs before it in
  // the range changed: mprotect of [T, T+3p) with only [T, T+2p) mapped changes [T, T+2p) and
  // returns NoMemory. Only VMA or tree memory running out in a split changes nothing.
  Result<void> mprotect(uint64_t start, uint64_t len, int prot);

  // Linux's mremap (mm/mremap.c v6.12). Lengths are rounded up to pages. Shrinking unmaps the
  // tail; growing extends the VMA in place when the range after it is free (merging with the
  // next VMA when it accepts the VMA's anon_vma), else moves it with MREMAP_MAYMOVE to a free
  // range, or with MREMAP_FIXED to new_addr, replacing what is there. A moved VMA keeps its
  // anon_vma, and an anonymous one without an anon_vma takes new_addr >> PAGE_SHIFT as its
  // offset (copy_vma()), so that it may merge where it lands, even with what is left of itself.
  // A move keeps the pages: their translations move to the new range. Growing accounted memory
  // charges the growth; a VM_LOCKED mapping that grew has its new pages faulted in.
  // MREMAP_DONTUNMAP (with MREMAP_MAYMOVE and equal lengths; new_addr a hint unless
  // MREMAP_FIXED) moves the pages and keeps the old VMA: it loses VM_LOCKED (a locked source is
  // split first so only the old range does), and when the old range is the whole VMA it drops
  // its anon_vma and, if private anonymous, takes its own address as offset again; a read there
  // then gives zeros (the file's bytes for a file). The whole new range is charged, and an
  // unfaulted copy does not merge with the source. old_len 0 duplicates a shared mapping: a new
  // VMA of new_len bytes mapping the same file (or shmem file) from addr's offset, the source
  // untouched. The copy does not share pages with the source (no page cache here, as for two
  // mappings of one file). For a special mapping the spec's mremap hook runs on the
  // new VMA (an error from it undoes the move, running close on the new VMA as Linux does) and
  // close runs on the old one. Returns the new start. Errors, in Linux's order:
  //   Invalid   unknown flags; MREMAP_FIXED without MREMAP_MAYMOVE; MREMAP_DONTUNMAP without
  //             MREMAP_MAYMOVE or with unequal lengths (compared before rounding), or on a
  //             VM_DONTEXPAND/VM_PFNMAP VMA; addr or new_addr not page aligned; new_len 0;
  //             old_len 0 on a private mapping; the new range past task_size or overlapping the
  //             old one; the file offset would wrap; splitting a special mapping
  //   Fault     nothing mapped at addr (also after MREMAP_FIXED unmapped it: old_len 0 with
  //             new_addr == addr); the old range leaves its VMA; growing a VM_DONTEXPAND or
  //             VM_PFNMAP VMA
  //   NoMemory  cannot grow in place without MREMAP_MAYMOVE; no free range; too close to
  //             max_map_count; a charge past the commit limit; growing a VM_IO/VM_MIXEDMAP VMA
  //             in place; memory ran out
  //   Permission  MREMAP_FIXED below mmap_min_addr
  // With MREMAP_FIXED, Linux unmaps [new_addr, new_addr + new_len) and then the tail of a
  // shrink before its later checks, and so does this: an error from the shrink's own checks
  // leaves the target unmapped, one from the old range's checks (Fault, Invalid), the target's
  // placement (Permission below mmap_min_addr) or the charge leaves the target unmapped and the
  // source shrunk (when memory runs out shrinking it, the target is already gone, as in Linux).
  // Any other error changes nothing, but for one case Linux shares: when page-table memory runs
  // out while the pages move, the destination of MREMAP_FIXED has already been emptied.
  Result<uint64_t> mremap(uint64_t addr, uint64_t old_len, uint64_t new_len, int flags,
                          uint64_t new_addr = 0);

  // Linux's brk system call (mm/mmap.c v6.12): moves the break to `brk` and returns it, or
  // returns the current break unchanged when it cannot: below start_brk, past task_size, within
  // a page of the next mapping (Linux keeps a page free above the heap, and stack_guard_gap
  // below a VM_GROWSDOWN one), a shrink over a range without any mapping, or out of memory.
  // Growing extends the heap VMA ending at the old break when its flags still match, else maps
  // a new anonymous VMA (read, write, VM_MAY*, VM_MTE_ALLOWED with MTE); shrinking unmaps
  // [PAGE_ALIGN(brk), PAGE_ALIGN(old break)). brk(0) reads the break.
  uint64_t brk(uint64_t brk);
  uint64_t current_brk() const { return m_brk; }

  // Linux's _install_special_mapping: one VMA [addr, addr + len) with flags | VM_DONTEXPAND |
  // VM_SOFTDIRTY (VM_LOCKED and VM_LOCKONFAULT cleared) that names itself spec.name and is
  // never merged. Invalid for an unaligned or empty range or one past task_size; NoMemory if
  // anything is mapped there (insert_vm_struct's answer) or memory ran out.
  Result<Vma*> install_special_mapping(uint64_t addr, uint64_t len, VmFlags flags,
                                       const SpecialMapping& spec);

  // The page-fault path (arm64's do_page_fault / powerpc's ___do_page_fault, then
  // handle_mm_fault): finds the VMA holding addr, or grows a stack down to it
  // (lock_mm_and_find_vma, expand_downwards), checks the access against its flags and maps one
  // page with the VMA's access bits. A write to a private mapping (anonymous or file) gives the
  // VMA an anon_vma (vmf_anon_prepare(), even when the file then raises SIGBUS), reusing the
  // next or else the previous VMA's when that one touches it, maps the same file linearly and
  // differs in access bits at most (find_mergeable_anon_vma()); a read assigns none. Stack
  // growth assigns one too, before its size checks, and is charged after them.
  //
  // Private anonymous memory (the heap and the stack too): a read or exec fault maps the
  // PageSource's shared zero page without write access, taking no page and assigning no
  // anon_vma (do_anonymous_page(), as on arm64 and powerpc, where mm_forbids_zeropage() is
  // false; in a VM_MTE VMA too, where the zero page's tags are 0). A write fault maps a fresh
  // zeroed page; a write fault on the zero page copies it (do_wp_page(), wp_page_copy()): a
  // fresh zeroed page replaces it (MmuOps::remap) with the VMA's access bits and the VMA gets its
  // anon_vma then. The zero page stays read-only whatever later changes the VMA: mprotect to
  // PROT_WRITE leaves its translations read-only (the next write copies), mremap moves them as
  // they are, and MADV_DONTNEED and munmap drop them without freeing anything. It is present
  // for mincore, and a core dump writes it as zeros without reading it (get_dump_page() with
  // FOLL_DUMP). A file page is a fresh page filled from the file's bytes (the tail past the end
  // of the file zero); a special mapping's page comes from its spec.
  //
  // Stack growth: when addr lies below the first VMA above it and that VMA has VM_GROWSDOWN, the
  // VMA's start moves down to addr's page (its offset with it) unless that page is below
  // mmap_min_addr, lies within stack_guard_gap of the end of the VMA below when that one is
  // accessible and not itself VM_GROWSDOWN, would take the offset below 0, or would make the
  // VMA larger than stack_rlimit. The access is then checked against the grown VMA, and a
  // refused access keeps the growth, as in Linux. The grown part never merges with the VMA
  // below.
  //
  // File pages are copied: every first fault of a page of a file mapping, private or shared,
  // maps a page of its own, so writes never reach the file and two mappings of one file do not
  // share pages (no page cache yet). For a private mapping that is Linux's copy-on-write done
  // on the first access; for a shared one it differs once it is written. Shared anonymous
  // memory maps its shmem object's page for the page's index (vm_pgoff plus the distance from
  // vm_start), so all VMAs of one object share their pages.
  //   Segv/SegvMapErr  no VMA holds addr and no stack grows to it
  //   Segv/SegvAccErr  the VMA lacks the access (write needs VM_WRITE, exec VM_EXEC, read
  //                    VM_READ or VM_WRITE, or VM_EXEC with exec_implies_read)
  //   Bus/BusAdrErr    past the end of a special mapping's pages, of a mapped file or of the
  //                    shmem object behind shared anonymous memory (its mmap's length)
  // An already present page is a spurious fault and is left alone, but for a write to the zero
  // page, which copies it. Error::NoMemory when the page or a page-table page could not be
  // allocated (Linux's VM_FAULT_OOM); nothing changes, not even a stack growth (Linux keeps the
  // grown VMA) or the zero page a copy was to replace.
  Result<FaultVerdict> handle_fault(uint64_t addr, FaultAccess access);

  // Linux's madvise (mm/madvise.c v6.12) for MADV_DONTNEED and MADV_DONTNEED_LOCKED: drops the
  // pages of [start, start + PAGE_ALIGN(len)), so that the next access faults in a fresh page
  // (zeros for anonymous memory, the file's bytes for a private file mapping). VMAs are walked
  // in address order and each is processed before the next is looked at, as Linux does, so an
  // error leaves the VMAs before it processed. Shared memory keeps its data: Linux drops only
  // the translations and the data lives on in the page cache or shmem. Shared anonymous memory
  // loses its translations and its pages stay in the shmem object (the next fault maps them
  // again); a shared file mapping keeps its translations, since its page is the only copy here. A
  // special mapping's pages are the spec's; they are unmapped, not freed, and fault back in.
  // MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_DONTFORK and MADV_DOFORK change the VMAs'
  // VM_RAND_READ, VM_SEQ_READ and VM_DONTCOPY (madvise_vma_behavior()), splitting a VMA the range
  // covers in part and merging each changed piece with the neighbours it now matches, as mprotect
  // does; MADV_WILLNEED changes nothing (there is no swap to read ahead). MADV_COLD and
  // MADV_PAGEOUT reclaim what memory without swap can lose: MADV_PAGEOUT drops the pages of
  // VM_DROPPABLE VMAs (they read back as zeros), nothing else; a clean file page stays mapped
  // where Linux could drop it from the page cache. len == 0 succeeds.
  // Errors:
  //   Invalid   another advice; start not page aligned; len rounds up past 2^64 or the range
  //             wraps; a VMA with VM_PFNMAP, or VM_LOCKED under MADV_DONTNEED, or VM_LOCKED or
  //             VM_HUGETLB under MADV_COLD and MADV_PAGEOUT; MADV_DOFORK of
  //             a VM_IO VMA; a flag change that would split a special mapping (the VMAs before
  //             it are processed)
  //   Again     no memory for a split (Linux turns ENOMEM into EAGAIN there)
  //   NoMemory  part of the range is unmapped (after processing every VMA in it), or nothing
  //             is mapped from some address to the end of the range
  // Needs no memory but for the splits.
  Result<void> madvise(uint64_t start, uint64_t len, int advice);

  // Linux's mincore (mm/mincore.c v6.12), one chunk at a time: writes one byte per page from
  // start, for at most `capacity` pages and at most the pages of len (rounded up), 1 where the
  // page is resident and 0 where not, and returns how many it wrote. It stops early at the first
  // unmapped page, so a caller loops as the syscall does: advance start by the pages written,
  // and the next call starts at the hole and fails; the bytes before the hole are copied out
  // anyway, as Linux does. Resident: a present page (the zero page too: its entry is present
  // for mincore_pte_range()); every page of a special mapping (Linux
  // reports 1 for mappings without page-cache information); a page of a file mapping that lies
  // within the file (the initramfs's files are wholly in memory, as in Linux's rootfs); a
  // page of shared anonymous memory its shmem object holds.
  // Returns 0 for len == 0 or capacity == 0. Errors:
  //   Invalid   start not page aligned
  //   NoMemory  [start, start + len) is not inside the user address space (below task_size);
  //             nothing is mapped at start
  Result<uint64_t> mincore(uint64_t start, uint64_t len, uint8_t* vec, uint64_t capacity) const;

  // Writes /proc/PID/maps: one line per VMA, in address order.
  void render_maps(Sink& sink) const;

  MmContext& context() { return m_context; }
  const MmContext& context() const { return m_context; }
  const VmaTree& tree() const { return m_tree; }
  const AddressSpaceLayout& layout() const { return m_layout; }
  uint64_t map_count() const { return m_tree.count(); }
  // The shared zero page's physical address (PageSource::zero_page).
  uint64_t zero_page() const { return m_pages.zero_page; }
  Vma* find_vma(uint64_t addr) const { return m_tree.find_vma(addr); }
  Vma* vma_lookup(uint64_t addr) const { return m_tree.vma_lookup(addr); }

  // The address mmap would choose for len bytes with this hint and these flags
  // (__get_unmapped_area, top-down). With THP configured, private anonymous memory (not
  // file_backed, not MAP_SHARED) asked for without a hint, len a multiple of THP_PMD_SIZE, is
  // placed as thp_get_unmapped_area_vmflags() does: a search for len + THP_PMD_SIZE, the
  // mapping then at the aligned address inside that range (its top THP_PMD_SIZE-aligned part
  // when the range starts aligned), and a plain search when the padded one finds nothing.
  // Errors as mmap documents them.
  Result<uint64_t> get_unmapped_area(uint64_t addr, uint64_t len, int flags,
                                     bool file_backed = false) const;

 private:
  // What replacing [start, end) touches, worked out before anything changes.
  struct Plan {
    Vma* prev = nullptr;  // the VMA containing start - 1: it ends at start afterwards, or merges
    Vma* next = nullptr;  // the VMA containing end: it starts at end afterwards, or merges
    bool split = false;   // prev == next: one VMA strictly around [start, end)
    bool overlaps = false;
    uint64_t covered = 0;  // VMAs lying wholly inside [start, end)
  };
  // The top-down search of [PAGE_SIZE, mmap_base + raise), then bottom-up in [unmapped_base,
  // mmap_end).
  Result<uint64_t> search(uint64_t len, uint64_t raise, uint64_t mmap_end) const;
  // do_mmap()'s map-type checks for anonymous memory and for a file: add the VM_* bits the
  // type implies to vm_flags, or return mmap's error.
  Result<void> anonymous_type(int flags, VmFlags& vm_flags) const;
  Result<void> file_type(uint64_t pgoff, uint64_t len, int flags, VmFlags& vm_flags) const;
  // vm_start_gap(): where a VMA starts once its stack guard gap is counted.
  uint64_t start_gap(const Vma& vma) const;
  // __vm_enough_memory() under OVERCOMMIT_GUESS: NoMemory when pages exceed the commit limit.
  Result<void> charge(uint64_t pages) const;
  // The pages of [start, end) that lie in VM_ACCOUNT VMAs.
  uint64_t accounted_pages(uint64_t start, uint64_t end) const;
  // mm_populate(): faults in the pages of [start, end) as get_user_pages() would, ignoring
  // failures as Linux does.
  void populate(uint64_t start, uint64_t end);
  Result<void> plan_replace(uint64_t start, uint64_t end, Plan& plan) const;
  // Replaces [start, end) with a VMA like proposed (nullptr: unmaps it), merging it with
  // compatible neighbours other than no_merge.
  Result<void> replace(uint64_t start, uint64_t end, const Vma* proposed,
                       const Vma* no_merge = nullptr);
  bool can_merge(const Vma& existing, const Vma& proposed) const;
  // Runs the close hooks of the detached VMAs and frees them; a shmem object none of the VMAs
  // left in the tree maps dies with them (its pages go back to the page source).
  void release(Vma* detached);
  // __split_vma(vma, addr, new_below = 0): vma keeps [vm_start, addr), the returned new VMA gets
  // [addr, vm_end). NoMemory when a VMA or tree node is missing; nothing changes then.
  Result<Vma*> split_vma(Vma* vma, uint64_t addr);
  // Undoes split_vma; needs no memory.
  void unsplit_vma(Vma* lower, Vma* upper);
  // Merges every pair of adjacent compatible VMAs whose boundary lies in [start, end].
  void merge_range(uint64_t start, uint64_t end);
  // right starts where left ends and mergeable(left, right): left takes right over.
  void merge_pair(Vma* left, Vma* right);
  // madvise's flag change for [start, end) within vma: split, set, merge.
  Result<void> advise_flags(Vma* vma, uint64_t start, uint64_t end, int advice);
  bool mergeable(const Vma& left, const Vma& right) const;
  // anon_vma_prepare(): the anon_vma the VMA has, or the one it would get (a compatible
  // neighbour's, else a fresh id). Changes nothing; the caller stores it once nothing can fail.
  uint64_t prepare_anon_vma(const Vma& vma);
  void set_anon_vma(Vma& vma, uint64_t anon_vma);
  Result<void> check_resize(const Vma& vma, uint64_t addr, uint64_t old_len, uint64_t new_len,
                            int flags) const;
  bool expandable(const Vma& vma, uint64_t delta) const;
  Result<uint64_t> mremap_to(Vma* vma, uint64_t addr, uint64_t old_len, uint64_t new_len,
                             uint64_t new_addr, int flags);
  // move_vma(): moves [addr, addr + move_len) to [new_addr, new_addr + new_len) and removes
  // [addr, addr + remove_len), nothing when remove_len is 0 or keep_source (MREMAP_DONTUNMAP).
  Result<uint64_t> move_vma(Vma* vma, uint64_t addr, uint64_t remove_len, uint64_t move_len,
                            uint64_t new_addr, uint64_t new_len, bool keep_source);
  bool move_pages(uint64_t from, uint64_t to, uint64_t len, VmFlags prot);
  // Removes the translations of [start, end) and frees the pages behind them, except those of a
  // special mapping on the list `unowned` (linked by detached_next), which belong to the spec,
  // and shmem pages, which belong to m_shmem.
  void zap(uint64_t start, uint64_t end, const Vma* unowned);
  // Whether the page at va is present; *pa (when given) is then the page it maps.
  bool page_present(uint64_t va, uint64_t* pa = nullptr) const;
  // MmuOps::protect over [start, end), except that zero-page translations never get VM_WRITE.
  void protect_pages(uint64_t start, uint64_t end, VmFlags prot);
  // expand_downwards(): grows the VM_GROWSDOWN vma down to addr's page; false when Linux
  // refuses (see handle_fault). Needs no memory.
  bool expand_stack(Vma& vma, uint64_t addr);
  // Takes back a growth of vma from old_start down to its current start.
  void undo_expand_stack(Vma& vma, uint64_t old_start);
  // A fresh page for page `pgoff` of a file mapping: zeroed, then filled from the file.
  Result<uint64_t> file_page(const VmFile& file, uint64_t pgoff);

  AddressSpaceLayout m_layout;
  VmaAllocator m_vmas;
  MmuOps m_mmu;
  PageSource m_pages;
  // The pages of shared anonymous memory, which its VMAs map but do not own.
  ShmemPages m_shmem;
  uint64_t m_brk;
  uint64_t m_last_anon_vma = 0;  // the last anon_vma id handed out
  VmaTree m_tree;
  MmContext m_context;
};
