#include "tools/runner/newc_writer.h"

#include <cstdio>

namespace maplet::runner {
namespace {

constexpr std::uint32_t S_IFDIR = 0040000, S_IFREG = 0100000;

void pad4(std::string& s) { s.append((4 - s.size() % 4) % 4, '\0'); }

}  // namespace

void NewcWriter::add_directory(std::string_view name) { add(name, S_IFDIR | 0755, 2, {}); }

void NewcWriter::add_file(std::string_view name, std::uint32_t permissions, std::string_view data) {
  add(name, S_IFREG | (permissions & 07777), 1, data);
}

void NewcWriter::add(std::string_view name, std::uint32_t mode, std::uint32_t nlink,
                     std::string_view data) {
  // Fields: magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor,
  // rdevminor, namesize (with its NUL), check; each 8 hex digits.
  char header[111];
  std::snprintf(header, sizeof header, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
                m_next_inode++, mode, 0u, 0u, nlink, 0u, static_cast<unsigned>(data.size()), 0u, 0u,
                0u, 0u, static_cast<unsigned>(name.size() + 1), 0u);
  m_archive.append(header, 110);
  m_archive.append(name);
  m_archive.push_back('\0');
  pad4(m_archive);
  m_archive.append(data);
  pad4(m_archive);
}

std::string NewcWriter::finish() {
  // The trailer has inode 0 and one link, as GNU cpio writes it.
  m_next_inode = 0;
  add("TRAILER!!!", 0, 1, {});
  return std::move(m_archive);
}

}  // namespace maplet::runner
