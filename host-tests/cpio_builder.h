// Writes newc cpio archives byte by byte for the reader's tests and fuzzer, with every field
// as given, so a test can damage any of them.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "kernel/lib/cpio.h"

struct CpioSpec {
  std::string name;
  std::string data;
  uint32_t mode = CPIO_S_IFREG | 0644;
  uint32_t ino = 1;
  bool crc = false;  // "070702" with the data's byte sum
};

inline void cpio_append(std::vector<uint8_t>& out, const CpioSpec& e) {
  uint32_t sum = 0;
  for (unsigned char c : e.data) sum += c;
  char header[CpioArchive::HEADER_SIZE + 1];
  std::snprintf(header, sizeof(header), "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
                e.crc ? "070702" : "070701", e.ino, e.mode, 0u, 0u, 1u, 0u,
                static_cast<uint32_t>(e.data.size()), 0u, 0u, 0u, 0u,
                static_cast<uint32_t>(e.name.size() + 1), e.crc ? sum : 0u);
  out.insert(out.end(), header, header + CpioArchive::HEADER_SIZE);
  out.insert(out.end(), e.name.begin(), e.name.end());
  out.push_back(0);
  while (out.size() % 4 != 0) out.push_back(0);
  out.insert(out.end(), e.data.begin(), e.data.end());
  while (out.size() % 4 != 0) out.push_back(0);
}

inline std::vector<uint8_t> build_cpio(const std::vector<CpioSpec>& entries) {
  std::vector<uint8_t> out;
  for (const CpioSpec& e : entries) cpio_append(out, e);
  CpioSpec trailer;
  trailer.name = "TRAILER!!!";
  trailer.mode = 0;
  trailer.ino = 0;
  cpio_append(out, trailer);
  return out;
}
