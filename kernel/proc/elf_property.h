// The GNU property note of an executable (PT_GNU_PROPERTY: one NT_GNU_PROPERTY_TYPE_0 note owned
// by "GNU", its descriptor a list of {pr_type, pr_datasz, data padded to 8 bytes}), read with the
// checks and errors of Linux 6.12's parse_elf_properties() and parse_elf_property()
// (fs/binfmt_elf.c) and arm64's arch_parse_elf_property() (arch/arm64/include/asm/elf.h). Only
// arm64 uses the note (CONFIG_ARCH_USE_GNU_PROPERTY); ElfImage reads it for EM_AARCH64 alone.
// No allocation, no I/O.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/byte_order.h"
#include "kernel/lib/result.h"

inline constexpr uint32_t PT_GNU_PROPERTY = 0x6474e553;
inline constexpr uint32_t NT_GNU_PROPERTY_TYPE_0 = 5;
inline constexpr uint32_t GNU_PROPERTY_AARCH64_FEATURE_1_AND = 0xc0000000;
inline constexpr uint32_t GNU_PROPERTY_AARCH64_FEATURE_1_BTI = 1u << 0;

// What the note says that the kernel acts on.
struct ElfProperties {
  // GNU_PROPERTY_AARCH64_FEATURE_1_AND's value, 0 without the property.
  uint32_t aarch64_feature_1_and = 0;
};

// Reads the note a PT_GNU_PROPERTY header places at [offset, offset + filesz) of the `size` bytes
// at `file`, in byte order `order`. Errors (`reason` says which check, when asked for):
//   NoExec  filesz above Linux's 1 KiB buffer; a note of another type, or whose name is not
//           "GNU"; a descriptor longer than the bytes read; a property header or its data
//           (rounded up to 8 bytes) past the descriptor's end; property types not strictly
//           ascending; an AArch64 FEATURE_1_AND whose data is not 4 bytes
//   Io      fewer bytes in the file there than a note header and its 4-byte name (a short read)
Result<ElfProperties> parse_elf_properties(const uint8_t* file, size_t size, uint64_t offset,
                                           uint64_t filesz, ByteOrder order,
                                           const char** reason = nullptr);
