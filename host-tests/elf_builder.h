// Builds small ELF64 executables byte by byte for the ELF reader's tests and fuzzer: an ELF
// header, a program-header table right after it, and file contents up to a chosen size, in
// either byte order. Fields are written exactly as given, so tests can break any of them.
#pragma once

#include <cstdint>
#include <vector>

#include "kernel/lib/byte_order.h"
#include "kernel/proc/elf_image.h"

struct ElfPhdrSpec {
  uint32_t type = PT_LOAD;
  uint32_t flags = PF_R;
  uint64_t offset = 0;
  uint64_t vaddr = 0;
  uint64_t filesz = 0;
  uint64_t memsz = 0;
  uint64_t align = 0x1000;
};

struct ElfSpec {
  ByteOrder order = ByteOrder::Little;
  uint16_t machine = EM_AARCH64;
  uint16_t type = ET_EXEC;
  uint32_t flags = 0;
  uint64_t entry = 0;
  uint16_t phentsize = ELF64_PHDR_SIZE;
  uint64_t phoff = ELF64_EHDR_SIZE;
  std::vector<ElfPhdrSpec> phdrs;
  uint64_t file_size = 0;  // at least the headers; the rest is filler bytes 0xa5
};

inline void elf_put(std::vector<uint8_t>& b, size_t at, size_t width, uint64_t v, ByteOrder o) {
  byte_order::store(b.data() + at, width, v, o);
}

inline std::vector<uint8_t> build_elf(const ElfSpec& spec) {
  const size_t headers = spec.phoff + spec.phdrs.size() * ELF64_PHDR_SIZE;
  std::vector<uint8_t> b(spec.file_size > headers ? spec.file_size : headers, 0xa5);
  for (size_t i = 0; i < ELF64_EHDR_SIZE; i++) b[i] = 0;
  const ByteOrder o = spec.order;
  b[0] = 0x7f;
  b[1] = 'E';
  b[2] = 'L';
  b[3] = 'F';
  b[4] = 2;                            // ELFCLASS64
  b[5] = o == ByteOrder::Big ? 2 : 1;  // EI_DATA
  b[6] = 1;                            // EV_CURRENT
  elf_put(b, 16, 2, spec.type, o);
  elf_put(b, 18, 2, spec.machine, o);
  elf_put(b, 20, 4, 1, o);
  elf_put(b, 24, 8, spec.entry, o);
  elf_put(b, 32, 8, spec.phoff, o);
  elf_put(b, 48, 4, spec.flags, o);
  elf_put(b, 52, 2, ELF64_EHDR_SIZE, o);
  elf_put(b, 54, 2, spec.phentsize, o);
  elf_put(b, 56, 2, spec.phdrs.size(), o);
  for (size_t i = 0; i < spec.phdrs.size(); i++) {
    const ElfPhdrSpec& p = spec.phdrs[i];
    const size_t at = spec.phoff + i * ELF64_PHDR_SIZE;
    for (size_t k = 0; k < ELF64_PHDR_SIZE; k++) b[at + k] = 0;
    elf_put(b, at + 0, 4, p.type, o);
    elf_put(b, at + 4, 4, p.flags, o);
    elf_put(b, at + 8, 8, p.offset, o);
    elf_put(b, at + 16, 8, p.vaddr, o);
    elf_put(b, at + 24, 8, p.vaddr, o);
    elf_put(b, at + 32, 8, p.filesz, o);
    elf_put(b, at + 40, 8, p.memsz, o);
    elf_put(b, at + 48, 8, p.align, o);
  }
  return b;
}

// A typical static executable: text (R X) from file offset 0 with the headers in it, and data
// (RW) whose last file page is partly bss, followed by whole bss pages, plus PT_GNU_STACK.
inline ElfSpec typical_static_elf(ByteOrder order, uint16_t machine, uint64_t base) {
  ElfSpec spec;
  spec.order = order;
  spec.machine = machine;
  spec.entry = base + 0x120;
  spec.phdrs = {
      {PT_LOAD, PF_R | PF_X, 0, base, 0x1234, 0x1234, 0x10000},
      {PT_LOAD, PF_R | PF_W, 0x1e10, base + 0x11e10, 0x300, 0x3000, 0x10000},
      {PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0x10},
  };
  spec.file_size = 0x2110;
  return spec;
}
