#pragma once

// Helpers shared by the runner's tests.

#include <unistd.h>

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

}  // namespace maplet::runner::test_support
