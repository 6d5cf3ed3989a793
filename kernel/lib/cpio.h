// A reader for "newc" cpio archives, the initramfs format (Linux
// Documentation/driver-api/early-userspace/buffer-format.rst, init/initramfs.c): magic "070701",
// or "070702" whose check field is the sum of the file's data bytes, then 13 fields of 8 hex
// digits, the NUL-terminated name, padding to a multiple of 4 bytes (counted from the start of
// the archive), the data, padding to 4 again; the entry named "TRAILER!!!" ends the archive.
//
//   Result<CpioArchive> archive = CpioArchive::parse(initrd, initrd_size, &reason);
//   for (const CpioEntry& entry : archive.value()) { ... }
//   Result<CpioEntry> init = archive.value().find("/init");
//
// parse() validates every entry up to the trailer, so iteration and find() cannot fail on the
// archive's bytes. Entries point into the caller's bytes, which must outlive the archive. A hard
// link in newc is several entries with one inode whose data sits in the last of them; the reader
// reports them as they are. No allocation, no I/O, no arch code.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"
#include "kernel/lib/string_view.h"

// File types of the mode field (include/uapi/linux/stat.h).
inline constexpr uint32_t CPIO_S_IFMT = 0170000;
inline constexpr uint32_t CPIO_S_IFREG = 0100000;
inline constexpr uint32_t CPIO_S_IFDIR = 0040000;
inline constexpr uint32_t CPIO_S_IFLNK = 0120000;

struct CpioEntry {
  StringView name;  // without its NUL (which is present in the archive)
  uint32_t ino, mode, uid, gid, nlink, mtime, devmajor, devminor, rdevmajor, rdevminor;
  const uint8_t* data;
  size_t size;
  size_t offset;  // of the entry's header in the archive

  bool is_regular() const { return (mode & CPIO_S_IFMT) == CPIO_S_IFREG; }
  bool is_directory() const { return (mode & CPIO_S_IFMT) == CPIO_S_IFDIR; }
  bool is_symlink() const { return (mode & CPIO_S_IFMT) == CPIO_S_IFLNK; }
};

class CpioArchive {
 public:
  static constexpr size_t HEADER_SIZE = 110;
  // Linux's PATH_MAX bounds names and symlink targets, as init/initramfs.c does.
  static constexpr size_t MAX_PATH_LENGTH = 4096;

  // Validates the archive in [data, data + size). Errors, each with a static `reason` when asked:
  // Invalid for a header cut short, a bad magic, a field that is not 8 hex digits, a name size
  // of 0 or above PATH_MAX, a name not NUL-terminated where its size says (or with a NUL
  // inside), a name or data running past the end, a symlink target above PATH_MAX, a 070702
  // checksum of a regular file that does not match, or no "TRAILER!!!" entry before the end.
  static Result<CpioArchive> parse(const void* data, size_t size, const char** reason = nullptr);

  // Entries before the trailer, and the bytes through the trailer's padded name (GNU cpio pads
  // the archive to 512-byte blocks after that).
  size_t count() const { return m_count; }
  size_t used_size() const { return m_used; }

  // The entry whose name equals `path` once leading "/" and "./" are dropped from both ("init",
  // "/init" and "./init" are one file); the first match wins. Error::NotFound.
  Result<CpioEntry> find(StringView path) const;

  class Iterator {
   public:
    const CpioEntry& operator*() const { return m_entry; }
    const CpioEntry* operator->() const { return &m_entry; }
    Iterator& operator++();
    bool operator==(const Iterator& other) const { return m_index == other.m_index; }

   private:
    friend class CpioArchive;
    Iterator(const CpioArchive* archive, size_t index);
    void load(size_t offset);
    const CpioArchive* m_archive;
    size_t m_index;
    size_t m_next = 0;
    CpioEntry m_entry{};
  };
  Iterator begin() const { return Iterator(this, 0); }
  Iterator end() const { return Iterator(this, m_count); }

 private:
  CpioArchive() = default;
  // The entry at `offset` with every check; `next` receives the following header's offset.
  static Result<CpioEntry> read_entry(const uint8_t* data, size_t size, size_t offset, size_t* next,
                                      const char** reason);

  const uint8_t* m_data = nullptr;
  size_t m_size = 0;
  size_t m_count = 0;
  size_t m_used = 0;
};
