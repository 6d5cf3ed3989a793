// Host-side helpers for tests that compare with the system's tools: run a shell command and
// read its output, and the LOAD lines and entry point of `readelf`.
#pragma once

#include <stdio.h>

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "kernel/proc/elf_image.h"

// The command's standard output; prefixed with "FAILED:" when it exits with a nonzero status.
inline std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
  if (pclose(pipe) != 0) out = "FAILED:" + out;
  return out;
}

inline bool have(const char* tool) {
  return run(std::string("command -v ") + tool + " >/dev/null 2>&1 && echo yes") == "yes\n";
}

struct ReadelfLoad {
  uint64_t offset, vaddr, filesz, memsz;
  std::string flags;
};

inline std::vector<ReadelfLoad> readelf_loads(const std::string& path) {
  std::vector<ReadelfLoad> loads;
  std::istringstream lines(run("readelf -lW " + path));
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string type, offset, vaddr, paddr, filesz, memsz;
    words >> type;
    if (type != "LOAD") continue;
    words >> offset >> vaddr >> paddr >> filesz >> memsz;
    // Flags are "R E", "RW ", ... up to the alignment column.
    std::string flags, word;
    while (words >> word && word.rfind("0x", 0) != 0) flags += word;
    loads.push_back({std::stoull(offset, nullptr, 16), std::stoull(vaddr, nullptr, 16),
                     std::stoull(filesz, nullptr, 16), std::stoull(memsz, nullptr, 16), flags});
  }
  return loads;
}

inline uint64_t readelf_entry(const std::string& path) {
  std::string out = run("readelf -hW " + path + " | sed -n 's/.*Entry point address: *//p'");
  return std::stoull(out, nullptr, 16);
}

inline uint32_t prot_of(const std::string& flags) {
  uint32_t prot = 0;
  if (flags.find('R') != std::string::npos) prot |= ELF_PROT_READ;
  if (flags.find('W') != std::string::npos) prot |= ELF_PROT_WRITE;
  if (flags.find('E') != std::string::npos) prot |= ELF_PROT_EXEC;
  return prot;
}
