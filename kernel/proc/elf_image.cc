#include "kernel/proc/elf_image.h"

#include "kernel/proc/elf_property.h"

namespace {

// ELF header field offsets (System V gABI, "ELF Header", 64-bit layout).
constexpr size_t EI_CLASS = 4;
constexpr size_t EI_DATA = 5;
constexpr uint8_t ELFCLASS64 = 2;
constexpr uint8_t ELFDATA2LSB = 1;
constexpr uint8_t ELFDATA2MSB = 2;
constexpr size_t E_TYPE = 16;
constexpr size_t E_MACHINE = 18;
constexpr size_t E_ENTRY = 24;
constexpr size_t E_PHOFF = 32;
constexpr size_t E_FLAGS = 48;
constexpr size_t E_PHENTSIZE = 54;
constexpr size_t E_PHNUM = 56;

// Program header field offsets (gABI "Program Header", 64-bit layout).
constexpr size_t P_TYPE = 0;
constexpr size_t P_FLAGS = 4;
constexpr size_t P_OFFSET = 8;
constexpr size_t P_VADDR = 16;
constexpr size_t P_FILESZ = 32;
constexpr size_t P_MEMSZ = 40;
constexpr size_t P_ALIGN = 48;

// Linux's PATH_MAX bounds the interpreter path load_elf_binary() would read.
constexpr uint64_t MAX_INTERP_PATH = 4096;

// powerpc64 e_flags: EF_PPC64_ABI, 2 for ELFv2 (arch/powerpc/include/asm/elf.h SET_PERSONALITY).
constexpr uint32_t EF_PPC64_ABI = 3;

// The file range [offset, offset + length) lies inside a file of `size` bytes.
bool in_file(uint64_t offset, uint64_t length, size_t size) {
  return offset <= size && length <= size - offset;
}

}  // namespace

uint32_t ElfImage::make_prot(uint32_t p_flags) const {
  uint32_t prot = 0;
  if (p_flags & PF_R) prot |= ELF_PROT_READ;
  if (p_flags & PF_W) prot |= ELF_PROT_WRITE;
  if (p_flags & PF_X) prot |= ELF_PROT_EXEC;
  // arch_elf_adjust_prot() of a static executable (no interpreter to guard it instead).
  if (m_bti && (prot & ELF_PROT_EXEC)) prot |= ELF_PROT_BTI;
  return prot;
}

ElfImage::Phdr ElfImage::phdr(size_t index) const {
  const uint8_t* p = m_file + m_phoff + index * ELF64_PHDR_SIZE;
  const ByteOrder order = m_target.byte_order;
  return Phdr{byte_order::load32(p + P_TYPE, order),   byte_order::load32(p + P_FLAGS, order),
              byte_order::load64(p + P_OFFSET, order), byte_order::load64(p + P_VADDR, order),
              byte_order::load64(p + P_FILESZ, order), byte_order::load64(p + P_MEMSZ, order),
              byte_order::load64(p + P_ALIGN, order)};
}

Result<ElfImage> ElfImage::parse(const void* file, size_t size, const ElfTarget& target,
                                 const char** reason) {
  const auto* bytes = static_cast<const uint8_t*>(file);
  if (bytes == nullptr || size < ELF64_EHDR_SIZE) {
    return with_reason(reason, Error::NoExec, "file shorter than an ELF64 header");
  }
  if (bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F') {
    return with_reason(reason, Error::NoExec, "no ELF magic");
  }
  if (bytes[EI_CLASS] != ELFCLASS64) return with_reason(reason, Error::NoExec, "not ELFCLASS64");
  const uint8_t data = target.byte_order == ByteOrder::Big ? ELFDATA2MSB : ELFDATA2LSB;
  if (bytes[EI_DATA] != data) {
    return with_reason(reason, Error::NoExec, "byte order (EI_DATA) is not the target's");
  }

  ElfImage image;
  image.m_file = bytes;
  image.m_size = size;
  image.m_target = target;
  const ByteOrder order = target.byte_order;
  image.m_type = byte_order::load16(bytes + E_TYPE, order);
  if (image.m_type != ET_EXEC && image.m_type != ET_DYN) {
    return with_reason(reason, Error::NoExec, "e_type is neither ET_EXEC nor ET_DYN");
  }
  if (byte_order::load16(bytes + E_MACHINE, order) != target.machine) {
    return with_reason(reason, Error::NoExec, "e_machine is not the target's");
  }
  if (target.machine == EM_PPC64) {
    const uint32_t abi = byte_order::load32(bytes + E_FLAGS, order) & EF_PPC64_ABI;
    image.m_abi = abi == 2 ? ElfAbi::PpcElfV2 : ElfAbi::PpcElfV1;
  }
  image.m_entry = byte_order::load64(bytes + E_ENTRY, order);

  // load_elf_phdrs(): exactly Elf64_Phdr entries, at least one, all within one page.
  if (byte_order::load16(bytes + E_PHENTSIZE, order) != ELF64_PHDR_SIZE) {
    return with_reason(reason, Error::NoExec, "e_phentsize is not sizeof(Elf64_Phdr)");
  }
  image.m_phnum = byte_order::load16(bytes + E_PHNUM, order);
  const uint64_t table_size = uint64_t{image.m_phnum} * ELF64_PHDR_SIZE;
  if (table_size == 0 || table_size > target.page_size || image.m_phnum > MAX_PHNUM) {
    return with_reason(reason, Error::NoExec, "no program headers, or more than fit in a page");
  }
  image.m_phoff = byte_order::load64(bytes + E_PHOFF, order);
  if (!in_file(image.m_phoff, table_size, size)) {
    return with_reason(reason, Error::NoExec, "program headers lie outside the file");
  }

  // Linux looks for PT_INTERP before anything else, and a static loader has no use for one.
  for (size_t i = 0; i < image.m_phnum; i++) {
    const Phdr ph = image.phdr(i);
    if (ph.type != PT_INTERP) continue;
    if (ph.filesz > MAX_INTERP_PATH || ph.filesz < 2) {
      return with_reason(reason, Error::NoExec, "PT_INTERP path length out of range");
    }
    if (!in_file(ph.offset, ph.filesz, size)) {
      return with_reason(reason, Error::Io, "PT_INTERP path lies outside the file");
    }
    if (bytes[ph.offset + ph.filesz - 1] != '\0') {
      return with_reason(reason, Error::NoExec, "PT_INTERP path is not NUL-terminated");
    }
    return with_reason(
        reason, Error::NotFound,
        "dynamic executable (PT_INTERP): no interpreter is available, link it -static");
  }

  size_t property = MAX_PHNUM;
  for (size_t i = 0; i < image.m_phnum; i++) {
    const Phdr ph = image.phdr(i);
    if (ph.type == PT_GNU_STACK) {
      // As in Linux, the last PT_GNU_STACK decides.
      image.m_has_gnu_stack = true;
      image.m_exec_stack = (ph.flags & PF_X) != 0;
    } else if (ph.type == PT_GNU_PROPERTY) {
      property = i;  // the last one is read
    } else if (ph.type == PT_LOAD) {
      image.m_load_index[image.m_load_count++] = static_cast<uint8_t>(i);
    }
  }
  // Only arm64 reads the note (CONFIG_ARCH_USE_GNU_PROPERTY), before the point of no return.
  if (target.machine == EM_AARCH64 && property != MAX_PHNUM) {
    const Phdr ph = image.phdr(property);
    const ElfProperties properties =
        TRY(parse_elf_properties(bytes, size, ph.offset, ph.filesz, order, reason));
    image.m_bti = (properties.aarch64_feature_1_and & GNU_PROPERTY_AARCH64_FEATURE_1_BTI) != 0;
  }
  if (image.m_load_count == 0) {
    return image.m_type == ET_DYN
               ? with_reason(reason, Error::Invalid,
                             "ET_DYN without PT_LOAD (total mapping size 0)")
               : with_reason(reason, Error::NoExec, "ET_EXEC without PT_LOAD: nothing to run");
  }
  TRY(image.check_segments(reason));
  if (image.m_type == ET_EXEC && image.m_entry >= target.task_size) {
    return with_reason(reason, Error::Invalid, "entry point at or above the user address limit");
  }
  return image;
}

// Every PT_LOAD in order, with the checks elf_load()'s mmap calls and load_elf_binary()'s guard
// make, then Maplet's own: file bytes inside the file, ascending and disjoint segments.
Result<void> ElfImage::check_segments(const char** reason) const {
  const uint64_t page_mask = m_target.page_size - 1;
  const uint64_t task_size = m_target.task_size;
  for (size_t i = 0; i < m_load_count; i++) {
    const Phdr ph = load_phdr(i);
    const uint64_t page_offset = ph.vaddr & page_mask;
    if (ph.filesz != 0) {
      // vm_mmap(): the file offset must be page aligned and offset + length must not wrap.
      if ((ph.offset & page_mask) != page_offset) {
        return with_reason(reason, Error::Invalid,
                           "p_offset and p_vaddr differ modulo the page size");
      }
      uint64_t end = 0;
      if (!kstd::checked_add(ph.filesz, page_offset, &end) ||
          !kstd::checked_align_up(end, m_target.page_size, &end) ||
          !kstd::checked_add(ph.offset - page_offset, end, &end)) {
        return with_reason(reason, Error::Invalid, "segment's file range wraps");
      }
    }
    if (m_type == ET_EXEC) {
      // Fixed mappings past TASK_SIZE fail in get_unmapped_area() (and vm_brk_flags() for the
      // bss) before the guard below is reached.
      uint64_t file_end = 0;
      uint64_t mem_end = 0;
      if (!kstd::checked_add(ph.vaddr, ph.filesz, &file_end) ||
          !kstd::checked_align_up(file_end, m_target.page_size, &file_end) ||
          file_end > task_size ||
          (ph.memsz > ph.filesz &&
           (!kstd::checked_add(ph.vaddr, ph.memsz, &mem_end) ||
            !kstd::checked_align_up(mem_end, m_target.page_size, &mem_end) ||
            mem_end > task_size))) {
        return with_reason(reason, Error::NoMemory, "segment reaches past the user address limit");
      }
    }
    // load_elf_binary()'s guard, on the unbiased p_vaddr ("set_brk can never work").
    if (ph.vaddr >= task_size || ph.filesz > ph.memsz || ph.memsz > task_size ||
        task_size - ph.memsz < ph.vaddr) {
      return with_reason(
          reason, Error::Invalid,
          ph.filesz > ph.memsz ? "p_filesz > p_memsz" : "segment outside the user address range");
    }
    if (!in_file(ph.offset, ph.filesz, m_size)) {
      return with_reason(reason, Error::NoExec, "segment's file bytes lie outside the file");
    }
    if (i > 0) {
      const Phdr prev = load_phdr(i - 1);
      if (ph.vaddr < prev.vaddr + prev.memsz) {
        return with_reason(reason, Error::NoExec,
                           "PT_LOAD segments overlap or are not in p_vaddr order");
      }
    }
  }
  return {};
}

ElfSegment ElfImage::segment(size_t index, uint64_t bias) const {
  VERIFY(index < m_load_count);
  const Phdr ph = load_phdr(index);
  const uint64_t page = m_target.page_size;
  ElfSegment s{};
  s.vaddr = ph.vaddr + bias;
  s.memsz = ph.memsz;
  s.filesz = ph.filesz;
  s.offset = ph.offset;
  s.prot = make_prot(ph.flags);
  // vm_brk_flags() maps the bss with the data default (read, write) plus VM_EXEC on request.
  s.anon_prot = ELF_PROT_READ | ELF_PROT_WRITE | (s.prot & ELF_PROT_EXEC);
  const uint64_t page_offset = s.vaddr & (page - 1);
  s.map_start = kstd::align_down(s.vaddr, page);
  if (ph.filesz != 0) {
    s.map_end = s.map_start + kstd::align_up(ph.filesz + page_offset, page);
    s.map_offset = ph.offset - page_offset;
    const uint64_t file_end = s.vaddr + ph.filesz;
    s.zero_start = s.zero_end = file_end;
    if (ph.memsz > ph.filesz && (s.prot & ELF_PROT_WRITE)) {
      s.zero_end = kstd::align_up(file_end, page);
    }
    s.anon_start = s.anon_end = kstd::align_up(file_end, page);
  } else {
    s.map_end = s.map_start;
    s.zero_start = s.zero_end = s.map_start;
    s.anon_start = s.anon_end = s.map_start;
  }
  if (ph.memsz > ph.filesz) {
    const uint64_t anon_end = kstd::align_up(s.vaddr + ph.memsz, page);
    if (anon_end > s.anon_start) s.anon_end = anon_end;
  }
  return s;
}

uint64_t ElfImage::total_mapping_size() const {
  uint64_t min_addr = kstd::U64_MAX;
  uint64_t max_addr = 0;
  for (size_t i = 0; i < m_load_count; i++) {
    const Phdr ph = load_phdr(i);
    min_addr = kstd::min(min_addr, kstd::align_down(ph.vaddr, m_target.page_size));
    max_addr = kstd::max(max_addr, ph.vaddr + ph.memsz);
  }
  return max_addr - min_addr;
}

uint64_t ElfImage::maximum_alignment() const {
  uint64_t alignment = 0;
  for (size_t i = 0; i < m_load_count; i++) {
    const uint64_t align = load_phdr(i).align;
    if (kstd::is_power_of_two(align)) alignment = kstd::max(alignment, align);
  }
  // ELF_PAGEALIGN, so an alignment of 1 becomes a page and none stays 0, as in Linux.
  return kstd::align_up(alignment, m_target.page_size);
}

uint64_t ElfImage::static_pie_bias(uint64_t mapped_at) const {
  if (m_type != ET_DYN) return 0;
  const uint64_t page = m_target.page_size;
  const uint64_t first_vaddr = load_phdr(0).vaddr;
  const uint64_t alignment = maximum_alignment();
  if (alignment > page) {
    // The probe mapping is dropped and the image mapped again at the aligned address.
    return kstd::align_down(kstd::align_down(mapped_at, alignment) - first_vaddr, page);
  }
  // Unsigned wrap-around is intended: this is Linux's load_bias arithmetic for a bias of 0,
  // corrected by where the first (not fixed) mapping landed.
  const uint64_t initial = kstd::align_down(0 - first_vaddr, page);
  return initial + mapped_at - kstd::align_down(initial + first_vaddr, page);
}

Result<ElfLayout> ElfImage::layout(uint64_t bias) const {
  const uint64_t page = m_target.page_size;
  const uint64_t task_size = m_target.task_size;
  if ((m_type == ET_EXEC && bias != 0) || (bias & (page - 1)) != 0) return Error::Invalid;
  ElfLayout l{};
  l.load_bias = bias;
  l.phnum = m_phnum;
  l.start_code = kstd::U64_MAX;
  uint64_t phdr = 0;
  for (size_t i = 0; i < m_load_count; i++) {
    const Phdr ph = load_phdr(i);
    const ElfSegment s = segment(i, bias);
    // The biased pages must fit below TASK_SIZE, as mmap and vm_brk_flags() demand.
    uint64_t end = 0;
    if (!kstd::checked_add(ph.vaddr, bias, &end) || !kstd::checked_add(end, ph.memsz, &end) ||
        !kstd::checked_align_up(end, page, &end) || end > task_size || s.map_end > task_size) {
      return Error::NoMemory;
    }
    if (ph.offset <= m_phoff && m_phoff < ph.offset + ph.filesz) {
      phdr = m_phoff - ph.offset + ph.vaddr;
    }
    if ((ph.flags & PF_X) && ph.vaddr < l.start_code) l.start_code = ph.vaddr;
    if (l.start_data < ph.vaddr) l.start_data = ph.vaddr;
    const uint64_t file_end = ph.vaddr + ph.filesz;
    if ((ph.flags & PF_X) && l.end_code < file_end) l.end_code = file_end;
    if (l.end_data < file_end) l.end_data = file_end;
    l.elf_brk = kstd::max(l.elf_brk, ph.vaddr + ph.memsz);
  }
  // Linux biases all of these unconditionally, even a start_code that no PF_X segment set.
  l.entry = m_entry + bias;
  l.phdr = phdr + bias;
  l.start_code += bias;
  l.end_code += bias;
  l.start_data += bias;
  l.end_data += bias;
  l.elf_brk += bias;
  if (l.entry >= task_size) return Error::Invalid;
  // A static PIE lives in the mmap region; its brk moves to ELF_ET_DYN_BASE so it cannot run
  // into the mappings placed there (CONFIG_ARCH_HAS_ELF_RANDOMIZE, no CONFIG_COMPAT_BRK).
  l.brk_moved = m_type == ET_DYN;
  l.start_brk = kstd::align_up(l.brk_moved ? m_target.et_dyn_base : l.elf_brk, page);
  return l;
}

Result<PpcStartRegisters> ElfImage::ppc_start_registers(uint64_t bias) const {
  if (m_target.machine != EM_PPC64) return Error::NotSupported;
  if (m_abi == ElfAbi::PpcElfV2) return PpcStartRegisters{m_entry + bias, 0, m_entry + bias};
  for (size_t i = 0; i < m_load_count; i++) {
    const Phdr ph = load_phdr(i);
    // The descriptor {entry, toc, environment}: start_thread reads its first two doublewords.
    if (m_entry < ph.vaddr || m_entry - ph.vaddr > ph.filesz ||
        ph.filesz - (m_entry - ph.vaddr) < 16) {
      continue;
    }
    const uint8_t* descriptor = m_file + ph.offset + (m_entry - ph.vaddr);
    uint64_t pc = byte_order::load64(descriptor, m_target.byte_order);
    uint64_t toc = byte_order::load64(descriptor + 8, m_target.byte_order);
    if (bias != 0) {
      pc += bias;
      toc += bias;
    }
    return PpcStartRegisters{pc, toc, 0};
  }
  return Error::Fault;
}
