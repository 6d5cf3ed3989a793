// Compares what one program observed on Linux with what it observed on Maplet. Both are
// observation files: one fact a line, "<key> <value>", in the program's order (oracle/README.md).
// The comparison is line by line; the only lines whose values may differ are those whose key
// matches an "any" rule of the normalisation list (oracle/normalise), and even those must be
// present on both sides with the same key at the same place.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace maplet::oracle {

// One entry of the normalisation list: "<key glob> <any|same> <reason>". "any": the value
// differs by design and is not compared. "same": the program prints a property in place of a
// value that differs by design, so the line is compared exactly; the entry says where the
// variation went.
struct NormaliseRule {
  std::string key_glob;
  bool any_value = false;
  std::string reason;
};

// Parses the list; '#' starts a comment line, blank lines are skipped. Returns nullopt and sets
// *error ("line N: ...") on a line without a key, an action other than any/same, or no reason.
std::optional<std::vector<NormaliseRule>> parse_normalise(std::string_view text,
                                                          std::string* error);

struct LineDiff {
  size_t line = 0;          // 1-based line number in both files
  std::string linux_line;   // "(missing)" when Linux's file has no such line
  std::string maplet_line;  // "(missing)" when Maplet's file has no such line
};

struct DiffResult {
  size_t compared = 0;  // lines present on both sides
  std::vector<LineDiff> diffs;
};

// Compares the two observation texts under the rules.
DiffResult diff_observations(std::string_view linux_text, std::string_view maplet_text,
                             const std::vector<NormaliseRule>& rules);

// "line N\n  linux:  <line>\n  maplet: <line>\n" for each difference.
std::string format_diffs(const DiffResult& result);

}  // namespace maplet::oracle
