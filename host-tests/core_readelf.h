// llvm-readelf's view of a core file, parsed from its text output (-hlnW): the ELF header's
// fields by name, the program headers, and each note with its owner, type text and descriptor
// bytes. Nothing here shares code with the writer under test.
#pragma once

#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "host-tests/readelf.h"

struct ReadelfPhdr {
  std::string type;
  uint64_t offset, vaddr, paddr, filesz, memsz;
  std::string flags;
  uint64_t align;
};

struct ReadelfNote {
  std::string owner;
  uint64_t size;
  std::string type;
  std::vector<uint8_t> data;
  std::vector<std::string> lines;  // what readelf printed under it (NT_FILE's table)
};

struct ReadelfCore {
  std::string raw;
  std::map<std::string, std::string> header;
  std::vector<ReadelfPhdr> phdrs;
  std::vector<ReadelfNote> notes;
};

inline std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t");
  const size_t b = s.find_last_not_of(" \t");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

inline ReadelfCore readelf_core(const std::string& path) {
  ReadelfCore core;
  core.raw = run("llvm-readelf -hlnW " + path + " 2>&1");
  std::istringstream lines(core.raw);
  std::string line;
  enum { None, Header, Phdrs, Notes } section = None;
  while (std::getline(lines, line)) {
    if (line.rfind("ELF Header:", 0) == 0) {
      section = Header;
      continue;
    }
    if (line.rfind("Program Headers:", 0) == 0) {
      section = Phdrs;
      std::getline(lines, line);  // column titles
      continue;
    }
    if (line.rfind("Displaying notes", 0) == 0) {
      section = Notes;
      std::getline(lines, line);  // column titles
      continue;
    }
    if (line.empty() || line.rfind(" Section to Segment", 0) == 0) {
      if (section == Phdrs || section == Header) section = None;
      continue;
    }
    if (section == Header) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) {
        core.header[trim(line.substr(0, colon))] = trim(line.substr(colon + 1));
      }
    } else if (section == Phdrs) {
      std::istringstream w(line);
      ReadelfPhdr p{};
      std::string off, va, pa, fs, ms;
      w >> p.type;
      if (p.type.back() == ':') {  // "<unknown>: 0x70000002"
        std::string number;
        w >> number;
        p.type += " " + number;
      }
      w >> off >> va >> pa >> fs >> ms;
      std::vector<std::string> rest;
      std::string word;
      while (w >> word) rest.push_back(word);
      if (rest.empty()) continue;
      p.align = std::stoull(rest.back(), nullptr, 16);
      rest.pop_back();
      for (const std::string& r : rest) p.flags += r;
      p.offset = std::stoull(off, nullptr, 16);
      p.vaddr = std::stoull(va, nullptr, 16);
      p.paddr = std::stoull(pa, nullptr, 16);
      p.filesz = std::stoull(fs, nullptr, 16);
      p.memsz = std::stoull(ms, nullptr, 16);
      core.phdrs.push_back(p);
    } else if (section == Notes) {
      if (line.rfind("  ", 0) == 0 && line.size() > 2 && line[2] != ' ') {
        ReadelfNote n{};
        std::istringstream w(line);
        std::string size;
        w >> n.owner >> size;
        n.size = std::stoull(size, nullptr, 16);
        std::getline(w, n.type);
        n.type = trim(n.type);
        core.notes.push_back(n);
      } else if (!core.notes.empty()) {
        const std::string t = trim(line);
        const std::string tag = "description data:";
        if (t.rfind(tag, 0) == 0) {
          std::istringstream hex(t.substr(tag.size()));
          std::string b;
          while (hex >> b) core.notes.back().data.push_back(std::stoul(b, nullptr, 16));
        } else {
          core.notes.back().lines.push_back(t);
        }
      }
    }
  }
  return core;
}
