#include "kernel/lib/cpio.h"

#include "kernel/lib/string.h"

namespace {

// Field order after the 6-byte magic (buffer-format.rst): ino, mode, uid, gid, nlink, mtime,
// filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check.
constexpr size_t MAGIC_SIZE = 6;
constexpr size_t FIELD_SIZE = 8;
constexpr size_t FIELD_COUNT = 13;
enum Field {
  INO,
  MODE,
  UID,
  GID,
  NLINK,
  MTIME,
  FILESIZE,
  DEVMAJOR,
  DEVMINOR,
  RDEVMAJOR,
  RDEVMINOR,
  NAMESIZE,
  CHECK
};
static_assert(MAGIC_SIZE + FIELD_COUNT * FIELD_SIZE == CpioArchive::HEADER_SIZE);

constexpr char TRAILER[] = "TRAILER!!!";

// Every refusal of a malformed archive is Invalid.
Error fail(const char** reason, const char* why) {
  return with_reason(reason, Error::Invalid, why);
}

int hex_digit(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Offsets are counted from the archive's start; size_t arithmetic stays far from wrapping
// because every offset is checked against the archive size (itself a size_t) first.
constexpr size_t align4(size_t offset) { return (offset + 3) & ~size_t{3}; }

StringView without_leading_dots(StringView path) {
  for (;;) {
    if (path.starts_with("/")) {
      path = path.substr(1);
    } else if (path.starts_with("./")) {
      path = path.substr(2);
    } else {
      return path;
    }
  }
}

}  // namespace

Result<CpioEntry> CpioArchive::read_entry(const uint8_t* data, size_t size, size_t offset,
                                          size_t* next, const char** reason) {
  if (offset > size || size - offset < HEADER_SIZE) {
    return fail(reason, "archive ends inside a header (no TRAILER!!!)");
  }
  const uint8_t* header = data + offset;
  const bool checked = klib::mem_compare(header, "070702", MAGIC_SIZE) == 0;
  if (!checked && klib::mem_compare(header, "070701", MAGIC_SIZE) != 0) {
    return fail(reason, "bad magic: not a newc (070701/070702) header");
  }
  uint32_t fields[FIELD_COUNT];
  for (size_t f = 0; f < FIELD_COUNT; f++) {
    uint32_t value = 0;
    for (size_t i = 0; i < FIELD_SIZE; i++) {
      const int digit = hex_digit(header[MAGIC_SIZE + f * FIELD_SIZE + i]);
      if (digit < 0) return fail(reason, "header field is not 8 hex digits");
      value = (value << 4) | static_cast<uint32_t>(digit);
    }
    fields[f] = value;
  }
  const size_t name_size = fields[NAMESIZE];
  if (name_size == 0 || name_size > MAX_PATH_LENGTH)
    return fail(reason, "name size 0 or above PATH_MAX");
  const size_t name_offset = offset + HEADER_SIZE;
  if (size - name_offset < name_size) return fail(reason, "name runs past the end");
  const char* name = reinterpret_cast<const char*>(data + name_offset);
  if (name[name_size - 1] != '\0') return fail(reason, "name is not NUL-terminated");
  const size_t name_length = name_size - 1;
  if (klib::str_length(name) != name_length) return fail(reason, "name has a NUL inside");

  const size_t data_offset = align4(name_offset + name_size);
  const size_t file_size = fields[FILESIZE];
  if (data_offset > size || size - data_offset < file_size) {
    return fail(reason, "file data runs past the end");
  }
  CpioEntry entry{};
  entry.name = StringView(name, name_length);
  entry.ino = fields[INO];
  entry.mode = fields[MODE];
  entry.uid = fields[UID];
  entry.gid = fields[GID];
  entry.nlink = fields[NLINK];
  entry.mtime = fields[MTIME];
  entry.devmajor = fields[DEVMAJOR];
  entry.devminor = fields[DEVMINOR];
  entry.rdevmajor = fields[RDEVMAJOR];
  entry.rdevminor = fields[RDEVMINOR];
  entry.data = data + data_offset;
  entry.size = file_size;
  entry.offset = offset;
  if (entry.is_symlink() && file_size > MAX_PATH_LENGTH) {
    return fail(reason, "symlink target above PATH_MAX");
  }
  if (checked && entry.is_regular()) {
    // The check field is the 32-bit sum of a regular file's data bytes; init/initramfs.c checks
    // nothing else, and GNU cpio writes 0 for symlinks.
    uint32_t sum = 0;
    for (size_t i = 0; i < file_size; i++) sum += entry.data[i];
    if (sum != fields[CHECK]) return fail(reason, "070702 checksum does not match the data");
  }
  *next = align4(data_offset + file_size);
  return entry;
}

Result<CpioArchive> CpioArchive::parse(const void* data, size_t size, const char** reason) {
  const auto* bytes = static_cast<const uint8_t*>(data);
  if (bytes == nullptr) size = 0;
  CpioArchive archive;
  archive.m_data = bytes;
  archive.m_size = size;
  size_t offset = 0;
  for (;;) {
    size_t next = 0;
    const CpioEntry entry = TRY(read_entry(bytes, size, offset, &next, reason));
    if (entry.name == StringView(TRAILER)) {
      archive.m_used = next;
      return archive;
    }
    archive.m_count++;
    // Each entry takes at least a header, so this loop ends within size / HEADER_SIZE steps.
    offset = next;
  }
}

Result<CpioEntry> CpioArchive::find(StringView path) const {
  const StringView wanted = without_leading_dots(path);
  for (const CpioEntry& entry : *this) {
    if (without_leading_dots(entry.name) == wanted) return entry;
  }
  return Error::NotFound;
}

CpioArchive::Iterator::Iterator(const CpioArchive* archive, size_t index)
    : m_archive(archive), m_index(index) {
  if (m_index < m_archive->m_count) load(0);
}

void CpioArchive::Iterator::load(size_t offset) {
  // parse() read this very entry successfully, so it cannot fail now.
  m_entry = MUST(read_entry(m_archive->m_data, m_archive->m_size, offset, &m_next, nullptr));
}

CpioArchive::Iterator& CpioArchive::Iterator::operator++() {
  m_index++;
  if (m_index < m_archive->m_count) load(m_next);
  return *this;
}
