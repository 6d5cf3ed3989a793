#include "kernel/proc/elf_property.h"

namespace {

// Linux reads the note into a 1 KiB buffer (NOTE_DATA_SZ) and refuses a larger one.
constexpr uint64_t NOTE_BUFFER = 1024;
// Elf64_Nhdr {n_namesz, n_descsz, n_type}, then the name "GNU\0".
constexpr size_t NOTE_HEADER = 12;
constexpr size_t NOTE_NAME = 4;
// ELF64_GNU_PROPERTY_ALIGN: each property's data is padded to 8 bytes.
constexpr size_t PROPERTY_ALIGN = 8;
// struct gnu_property {pr_type, pr_datasz}.
constexpr size_t PROPERTY_HEADER = 8;

}  // namespace

Result<ElfProperties> parse_elf_properties(const uint8_t* file, size_t size, uint64_t offset,
                                           uint64_t filesz, ByteOrder order, const char** reason) {
  if (filesz > NOTE_BUFFER) {
    return with_reason(reason, Error::NoExec, "PT_GNU_PROPERTY larger than 1 KiB");
  }
  // kernel_read(): what the file holds of [offset, offset + filesz); nothing past its end.
  const size_t n =
      offset < size ? static_cast<size_t>(kstd::min<uint64_t>(filesz, size - offset)) : 0;
  if (n < NOTE_HEADER + NOTE_NAME) {
    return with_reason(reason, Error::Io,
                       "PT_GNU_PROPERTY shorter than a note header and its name");
  }
  const uint8_t* note = file + offset;
  const uint32_t namesz = byte_order::load32(note, order);
  const uint32_t descsz = byte_order::load32(note + 4, order);
  const uint32_t type = byte_order::load32(note + 8, order);
  const uint8_t* name = note + NOTE_HEADER;
  if (type != NT_GNU_PROPERTY_TYPE_0 || namesz != NOTE_NAME || name[0] != 'G' || name[1] != 'N' ||
      name[2] != 'U' || name[3] != '\0') {
    return with_reason(reason, Error::NoExec,
                       "PT_GNU_PROPERTY is not a GNU NT_GNU_PROPERTY_TYPE_0 note");
  }
  size_t off = NOTE_HEADER + NOTE_NAME;  // already a multiple of PROPERTY_ALIGN
  if (descsz > n - off) {
    return with_reason(reason, Error::NoExec,
                       "property note's descriptor is longer than the segment");
  }
  const size_t end = off + descsz;
  ElfProperties properties;
  bool have_previous = false;
  uint32_t previous = 0;
  while (off != end) {
    if (end - off < PROPERTY_HEADER) {
      return with_reason(reason, Error::NoExec, "property header past the descriptor's end");
    }
    const uint32_t pr_type = byte_order::load32(note + off, order);
    const uint32_t pr_datasz = byte_order::load32(note + off + 4, order);
    off += PROPERTY_HEADER;
    if (pr_datasz > end - off || kstd::align_up(pr_datasz, PROPERTY_ALIGN) > end - off) {
      return with_reason(reason, Error::NoExec, "property data past the descriptor's end");
    }
    // Properties are unique and sorted by type.
    if (have_previous && pr_type <= previous) {
      return with_reason(reason, Error::NoExec, "property types not in ascending order");
    }
    have_previous = true;
    previous = pr_type;
    if (pr_type == GNU_PROPERTY_AARCH64_FEATURE_1_AND) {
      if (pr_datasz != 4) {
        return with_reason(reason, Error::NoExec, "AArch64 FEATURE_1_AND property is not 4 bytes");
      }
      properties.aarch64_feature_1_and = byte_order::load32(note + off, order);
    }
    off += kstd::align_up(pr_datasz, PROPERTY_ALIGN);
  }
  return properties;
}
