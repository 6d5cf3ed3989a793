// A validating reader of static ELF64 executables and the load plan Linux 6.12's
// load_elf_binary() (fs/binfmt_elf.c) computes for them: which file pages and anonymous pages
// each PT_LOAD becomes, with what protection, which bytes of the last file page are cleared,
// where the program headers are (AT_PHDR), the entry point and where brk starts.
//
//   Result<ElfImage> image = ElfImage::parse(bytes, size, ELF_TARGET_ARM64, &reason);
//   Result<ElfLayout> layout = image.value().layout(bias);   // bias 0 for ET_EXEC
//   for (size_t i = 0; i < image.value().load_count(); i++) image.value().segment(i, bias);
//
// Accepted: ELFCLASS64 files of the target's machine and byte order (fields are read in the
// file's order), ET_EXEC, and ET_DYN without PT_INTERP (a static PIE). The image keeps pointing
// at the caller's bytes, which must outlive it. No allocation, no I/O, no arch code. On arm64 the
// last PT_GNU_PROPERTY's note is read (kernel/proc/elf_property.h); with the BTI property every
// PROT_EXEC segment's file pages are mapped ELF_PROT_BTI (arch_elf_adjust_prot()). Not modelled:
// mmap_min_addr (the loader's mmap refuses such addresses), and where mmap puts a static PIE (the
// caller passes that to static_pie_bias).
//
// Errors of parse (each with a short static `reason` when one is asked for), as Linux returns
// them where Linux has the same check:
//   NoExec   file shorter than the ELF header, bad magic, not ELFCLASS64, wrong byte order or
//            machine, not ET_EXEC/ET_DYN, e_phentsize not 56, no program headers or more than
//            fit in a page (load_elf_phdrs), program headers outside the file, a malformed
//            PT_INTERP, PT_LOADs not in ascending p_vaddr order or overlapping (Linux maps them
//            regardless; the ELF gABI requires the order and Maplet insists), ET_EXEC without a
//            PT_LOAD (Linux would start it and fault; Maplet says why instead), a malformed
//            arm64 property note (parse_elf_properties).
//   Io       PT_INTERP's path lies outside the file (Linux's short read), as does an arm64
//            property note's header.
//   NotFound PT_INTERP present: a dynamic executable needs an interpreter, which Maplet does not
//            provide (Linux's open_exec() of a missing one fails the same way).
//   Invalid  p_filesz > p_memsz, a segment that starts at or above task_size or whose memory
//            would end above it (Linux's set_brk guard), p_offset and p_vaddr not congruent
//            modulo the page size or a file range that wraps (vm_mmap), an ET_DYN without
//            PT_LOAD (total_mapping_size() == 0), an entry point at or above task_size.
//   NoMemory an ET_EXEC segment's pages reach past task_size (mmap/vm_brk_flags).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/byte_order.h"
#include "kernel/lib/result.h"

// ELF constants (System V gABI, include/uapi/linux/elf.h, elf-em.h).
inline constexpr uint16_t ET_EXEC = 2;
inline constexpr uint16_t ET_DYN = 3;
inline constexpr uint16_t EM_PPC64 = 21;
inline constexpr uint16_t EM_AARCH64 = 183;
inline constexpr uint32_t PT_LOAD = 1;
inline constexpr uint32_t PT_INTERP = 3;
inline constexpr uint32_t PT_PHDR = 6;
inline constexpr uint32_t PT_GNU_STACK = 0x6474e551;
inline constexpr uint32_t PF_X = 1;
inline constexpr uint32_t PF_W = 2;
inline constexpr uint32_t PF_R = 4;
inline constexpr size_t ELF64_EHDR_SIZE = 64;
inline constexpr size_t ELF64_PHDR_SIZE = 56;

// mmap protections with Linux's values (include/uapi/asm-generic/mman-common.h).
inline constexpr uint32_t ELF_PROT_READ = 1;
inline constexpr uint32_t ELF_PROT_WRITE = 2;
inline constexpr uint32_t ELF_PROT_EXEC = 4;
// arm64's PROT_BTI (arch/arm64/include/uapi/asm/mman.h).
inline constexpr uint32_t ELF_PROT_BTI = 0x10;

// What the loading kernel is: the machine and byte order it runs, and the address-space limits
// load_elf_binary() consults.
struct ElfTarget {
  uint16_t machine;
  ByteOrder byte_order;
  uint64_t page_size;    // ELF_MIN_ALIGN (= PAGE_SIZE on both arches)
  uint64_t task_size;    // TASK_SIZE: BAD_ADDR() is anything at or above it
  uint64_t et_dyn_base;  // ELF_ET_DYN_BASE: where a static PIE's brk is moved
};

// arm64 with 4 KiB pages and 48-bit user VAs: TASK_SIZE_64 = 1 << 48, also DEFAULT_MAP_WINDOW_64
// where the CPU gives 52-bit ones (exec then loads with arch_user_task_size, kernel/arch/mmu.h),
// ELF_ET_DYN_BASE = 2 * DEFAULT_MAP_WINDOW_64 / 3 (arch/arm64/include/asm/{processor,elf}.h).
inline constexpr ElfTarget ELF_TARGET_ARM64 = {EM_AARCH64, ByteOrder::Little, 4096,
                                               uint64_t{1} << 48, (uint64_t{2} << 48) / 3};
// 64-bit powerpc with 4 KiB pages: TASK_SIZE_USER64 = 64 TiB, ELF_ET_DYN_BASE = 4 GiB
// (arch/powerpc/include/asm/{task_size_64,elf}.h), in both byte orders.
inline constexpr ElfTarget ELF_TARGET_PPC64 = {EM_PPC64, ByteOrder::Big, 4096, uint64_t{1} << 46,
                                               uint64_t{1} << 32};
inline constexpr ElfTarget ELF_TARGET_PPC64LE = {EM_PPC64, ByteOrder::Little, 4096,
                                                 uint64_t{1} << 46, uint64_t{1} << 32};

// The user ABI a program's ELF header asks for, which also picks its system call numbers and
// structure layouts (those of arm64, or of powerpc64 under either ELF ABI). powerpc64's
// e_flags & 3: 2 is ELFv2; anything else starts as ELFv1, through a function descriptor
// (SET_PERSONALITY and start_thread() in arch/powerpc).
enum class ElfAbi : uint8_t { Arm64, PpcElfV1, PpcElfV2 };

// One PT_LOAD at a load bias, as elf_load() maps it. Addresses are user virtual addresses.
struct ElfSegment {
  uint64_t vaddr;   // p_vaddr + bias
  uint64_t memsz;   // p_memsz
  uint64_t filesz;  // p_filesz
  uint64_t offset;  // p_offset
  uint32_t prot;    // ELF_PROT_* from p_flags, with ELF_PROT_BTI (see the file comment)
  // A private file mapping of [map_start, map_end) from file offset map_offset with `prot`
  // (elf_map); map_start == map_end when p_filesz is 0.
  uint64_t map_start;
  uint64_t map_end;
  uint64_t map_offset;
  // Bytes of the last file page cleared after mapping it (padzero): from the end of the file
  // part to the end of that page, only when p_memsz > p_filesz and the segment is writable
  // (Linux's clear_user fails on a read-only page and elf_load ignores that). Empty otherwise.
  uint64_t zero_start;
  uint64_t zero_end;
  // Anonymous zero pages [anon_start, anon_end) for the rest of the bss (vm_brk_flags): read and
  // write, plus exec when the segment is executable. Empty when there are none.
  uint64_t anon_start;
  uint64_t anon_end;
  uint32_t anon_prot;
};

// Where the loaded image puts things at a given bias (what create_elf_tables and the mm need).
struct ElfLayout {
  uint64_t load_bias;  // 0 for ET_EXEC
  uint64_t entry;      // e_entry + bias: AT_ENTRY (for ELFv1 the descriptor's address)
  uint64_t phdr;       // AT_PHDR: the program headers inside a PT_LOAD, + bias (bias if none)
  uint16_t phnum;      // AT_PHNUM
  uint64_t start_code, end_code, start_data, end_data;  // mm->start_code and friends
  uint64_t elf_brk;                                     // end of the highest segment's memory
  // mm->start_brk before randomisation: ELF_PAGEALIGN(elf_brk), or ELF_PAGEALIGN(et_dyn_base)
  // for a static PIE, whose brk Linux moves out of the mmap region (brk_moved).
  uint64_t start_brk;
  bool brk_moved;
};

// The registers start_thread() sets up from the entry point on powerpc64.
struct PpcStartRegisters {
  uint64_t pc;
  uint64_t r2;   // ELFv1: the descriptor's TOC (+ bias); ELFv2: 0 (start_thread clears it)
  uint64_t r12;  // ELFv2: the entry (the global entry point derives r2 from it); ELFv1: 0
};

class ElfImage {
 public:
  // Program headers fit in one page (load_elf_phdrs): at most 4096 / 56.
  static constexpr size_t MAX_PHNUM = 4096 / ELF64_PHDR_SIZE;

  // Validates `size` bytes at `file` for `target`. Errors: see the file comment.
  static Result<ElfImage> parse(const void* file, size_t size, const ElfTarget& target,
                                const char** reason = nullptr);

  uint16_t type() const { return m_type; }
  bool is_static_pie() const { return m_type == ET_DYN; }
  ElfAbi abi() const { return m_abi; }
  uint64_t raw_entry() const { return m_entry; }
  uint16_t phnum() const { return m_phnum; }
  // PT_GNU_STACK with PF_X. Without PT_GNU_STACK (EXSTACK_DEFAULT) the stack is not executable
  // for 64-bit programs on either arch (elf_read_implies_exec() is 0, VM_STACK_DEFAULT_FLAGS
  // has no VM_EXEC).
  bool executable_stack() const { return m_exec_stack; }
  bool has_gnu_stack() const { return m_has_gnu_stack; }

  size_t load_count() const { return m_load_count; }
  // PT_LOAD number `index` (file order, 0 <= index < load_count()) at load bias `bias`.
  ElfSegment segment(size_t index, uint64_t bias) const;

  // total_mapping_size(): from the first PT_LOAD's page to the end of the highest one.
  uint64_t total_mapping_size() const;
  // maximum_alignment(): the largest power-of-two p_align of a PT_LOAD, at least a page.
  uint64_t maximum_alignment() const;
  // The bias Linux gives a static PIE when mmap placed its first mapping (an unhinted, not
  // fixed, mapping of total_mapping_size() bytes from the mmap region) at `mapped_at`: that
  // address aligned down to maximum_alignment() when the alignment exceeds a page, minus the
  // first segment's page-aligned p_vaddr. Returns 0 for ET_EXEC.
  uint64_t static_pie_bias(uint64_t mapped_at) const;

  // The layout at `bias` (0 for ET_EXEC). Errors: Invalid when an ET_EXEC is given a bias or
  // the entry is at or above task_size; NoMemory when a segment's pages reach past task_size.
  Result<ElfLayout> layout(uint64_t bias) const;

  // powerpc64 start registers at `bias`. ELFv1 reads the descriptor {entry, toc} at e_entry from
  // the file part of a PT_LOAD, in the file's byte order, adding a nonzero bias to both as
  // start_thread does. Errors: Fault when the descriptor is not inside a PT_LOAD's file bytes;
  // NotSupported for a non-powerpc image.
  Result<PpcStartRegisters> ppc_start_registers(uint64_t bias) const;

 private:
  ElfImage() = default;
  struct Phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, filesz, memsz, align;
  };
  Phdr phdr(size_t index) const;
  Phdr load_phdr(size_t index) const { return phdr(m_load_index[index]); }
  Result<void> check_segments(const char** reason) const;
  uint32_t make_prot(uint32_t p_flags) const;

  const uint8_t* m_file = nullptr;
  size_t m_size = 0;
  ElfTarget m_target{};
  uint16_t m_type = 0;
  ElfAbi m_abi = ElfAbi::Arm64;
  uint64_t m_entry = 0;
  uint64_t m_phoff = 0;
  uint16_t m_phnum = 0;
  bool m_exec_stack = false;
  bool m_has_gnu_stack = false;
  bool m_bti = false;  // the arm64 note's GNU_PROPERTY_AARCH64_FEATURE_1_BTI
  uint8_t m_load_count = 0;
  uint8_t m_load_index[MAX_PHNUM] = {};
};
