// Finding functions in the vDSO the way glibc's dynamic linker and Linux's
// tools/testing/selftests/vDSO/parse_vdso.c do, from AT_SYSINFO_EHDR alone: the ELF header, the
// PT_LOAD (whose p_vaddr gives the load offset) and PT_DYNAMIC, and through the dynamic section
// the symbol and string tables, the hash tables (DT_HASH, DT_GNU_HASH) and the version tables
// (DT_VERSYM, DT_VERDEF). A symbol counts only if it is a defined global or weak function whose
// version is the one asked for.
#pragma once

#include <stdint.h>

struct VdsoImage {
  uint64_t base = 0;         // where the ELF header is mapped
  uint64_t load_offset = 0;  // base - the PT_LOAD's p_vaddr: added to every address in the file
  uint64_t text_size = 0;    // the PT_LOAD's p_memsz
  const uint8_t* symtab = nullptr;
  const char* strtab = nullptr;
  const uint32_t* hash = nullptr;      // DT_HASH, or nullptr
  const uint32_t* gnu_hash = nullptr;  // DT_GNU_HASH, or nullptr
  const uint16_t* versym = nullptr;
  const uint8_t* verdef = nullptr;
};

enum class VdsoTable { Hash, GnuHash };

// Reads the image at `base`; false when it is not a 64-bit ELF shared object of this machine's
// byte order with one PT_LOAD, a PT_DYNAMIC and symbol, string and hash tables.
bool vdso_parse(uint64_t base, VdsoImage& image);
// The address of name@version found through `table`, or 0 (also when that table is missing).
uint64_t vdso_lookup(const VdsoImage& image, VdsoTable table, const char* version,
                     const char* name);
