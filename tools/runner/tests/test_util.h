#pragma once

// Helpers shared by the runner's tests.

#include <unistd.h>

#include <cstdint>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "tools/runner/ktap_parser.h"
#include "tools/runner/test_result.h"

namespace maplet::runner::test_support {

// tools/runner/tests, found from this file's path (the tests run from the repository root).
inline std::filesystem::path tests_dir() { return std::filesystem::path(__FILE__).parent_path(); }

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Feeds `text` to the parser one line at a time, without the newlines, as the demux does.
inline void feed_lines(KtapParser& parser, std::string_view text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    parser.feed_line(text.substr(start, end - start));
    start = end + 1;
  }
}

inline std::string transcript(std::string_view name) {
  return read_file(tests_dir() / "transcripts" / name);
}

// "suite.case=P" / "=F" / "=S" per case, in order: one string that fails with a readable diff.
inline std::string outline(const std::vector<CaseResult>& cases) {
  std::string text;
  for (const auto& c : cases) {
    char mark = c.outcome == Outcome::kPass ? 'P' : c.outcome == Outcome::kFail ? 'F' : 'S';
    text += full_name(c) + "=" + mark + "\n";
  }
  return text;
}

inline const CaseResult* find_case(const std::vector<CaseResult>& cases, std::string_view name) {
  auto it = std::find_if(cases.begin(), cases.end(),
                         [&](const CaseResult& c) { return full_name(c) == name; });
  return it == cases.end() ? nullptr : &*it;
}

// A fresh, empty directory under the system temporary directory.
inline std::filesystem::path scratch_dir(std::string_view name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("maplet-runner-test-" + std::to_string(getpid()) + "-" + std::string(name));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// A minimal 64-bit ELF executable: the header and one PT_LOAD covering the file (and a PT_INTERP
// naming `interp` when it is not empty), `machine` in the byte order `big`.
struct FakeElf {
  uint16_t machine = 183;  // EM_AARCH64
  bool big = false;
  uint16_t type = 2;  // ET_EXEC
  std::string interp;
};
inline std::string fake_elf(const FakeElf& f) {
  std::string b(64 + 2 * 56, '\0');
  auto put = [&](size_t at, uint64_t v, size_t n) {
    for (size_t i = 0; i < n; ++i)
      b[at + (f.big ? n - 1 - i : i)] = static_cast<char>(v >> (8 * i));
  };
  b[0] = 0x7f, b[1] = 'E', b[2] = 'L', b[3] = 'F', b[4] = 2, b[5] = f.big ? 2 : 1, b[6] = 1;
  size_t phnum = f.interp.empty() ? 1 : 2;
  put(16, f.type, 2);
  put(18, f.machine, 2);
  put(20, 1, 4);
  put(24, 0x400000 + 64, 8);  // e_entry
  put(32, 64, 8);             // e_phoff
  put(52, 64, 2);             // e_ehsize
  put(54, 56, 2);
  put(56, phnum, 2);
  size_t interp_at = b.size();
  b += f.interp + std::string(f.interp.empty() ? 0 : 1, '\0');
  put(64, 1, 4);  // PT_LOAD, R+X, the whole file
  put(68, 5, 4);
  put(64 + 16, 0x400000, 8);
  put(64 + 32, b.size(), 8);
  put(64 + 40, b.size(), 8);
  put(64 + 48, 0x1000, 8);
  if (!f.interp.empty()) {
    put(120, 3, 4);  // PT_INTERP
    put(120 + 8, interp_at, 8);
    put(120 + 32, f.interp.size() + 1, 8);
  }
  return b;
}

inline void write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace maplet::runner::test_support
