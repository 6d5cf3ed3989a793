#pragma once

// Writes a newc ("070701") cpio archive, the initramfs format Linux and Maplet's kernels read
// (Linux Documentation/driver-api/early-userspace/buffer-format.rst): each entry a 110-byte
// ASCII header, its name with a NUL, padding to 4 bytes, its data, padding to 4 bytes; then the
// "TRAILER!!!" entry. Every entry has owner 0:0 and mtime 0, and inodes count from 1, so the
// same files give the same bytes.

#include <cstdint>
#include <string>
#include <string_view>

namespace maplet::runner {

class NewcWriter {
 public:
  // `name` without a leading '/', such as "bin" or "bin/hello"; parents before children.
  void add_directory(std::string_view name);
  void add_file(std::string_view name, std::uint32_t permissions, std::string_view data);
  // The archive with its trailer; the writer is done after this.
  [[nodiscard]] std::string finish();

 private:
  void add(std::string_view name, std::uint32_t mode, std::uint32_t nlink, std::string_view data);

  std::string m_archive;
  std::uint32_t m_next_inode = 1;
};

}  // namespace maplet::runner
