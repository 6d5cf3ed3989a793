#include "oracle/compare/observation_diff.h"

#include <fnmatch.h>

namespace maplet::oracle {
namespace {

constexpr std::string_view MISSING = "(missing)";

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t end = text.find('\n');
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(0, end));
    text.remove_prefix(end == text.size() ? end : end + 1);
  }
  return lines;
}

std::string_view first_word(std::string_view line, std::string_view* rest) {
  size_t space = line.find(' ');
  if (space == std::string_view::npos) {
    *rest = {};
    return line;
  }
  *rest = line.substr(space + 1);
  return line.substr(0, space);
}

bool value_may_differ(std::string_view key, const std::vector<NormaliseRule>& rules) {
  std::string k(key);
  for (const NormaliseRule& rule : rules) {
    if (rule.any_value && fnmatch(rule.key_glob.c_str(), k.c_str(), 0) == 0) return true;
  }
  return false;
}

bool lines_agree(std::string_view on_linux, std::string_view on_maplet,
                 const std::vector<NormaliseRule>& rules) {
  if (on_linux == on_maplet) return true;
  std::string_view linux_value, maplet_value;
  std::string_view key = first_word(on_linux, &linux_value);
  return key == first_word(on_maplet, &maplet_value) && value_may_differ(key, rules);
}

}  // namespace

std::optional<std::vector<NormaliseRule>> parse_normalise(std::string_view text,
                                                          std::string* error) {
  std::vector<NormaliseRule> rules;
  std::vector<std::string_view> lines = split_lines(text);
  for (size_t i = 0; i < lines.size(); i++) {
    std::string_view line = lines[i];
    if (line.empty() || line.front() == '#') continue;
    std::string_view rest, reason;
    std::string_view glob = first_word(line, &rest);
    std::string_view action = first_word(rest, &reason);
    std::string where = "line " + std::to_string(i + 1) + ": ";
    if (glob.empty()) {
      *error = where + "no key glob";
      return std::nullopt;
    }
    if (action != "any" && action != "same") {
      *error = where + "the action must be 'any' or 'same', not '" + std::string(action) + "'";
      return std::nullopt;
    }
    if (reason.find_first_not_of(' ') == std::string_view::npos) {
      *error = where + "'" + std::string(glob) + "' has no reason";
      return std::nullopt;
    }
    rules.push_back({std::string(glob), action == "any", std::string(reason)});
  }
  return rules;
}

DiffResult diff_observations(std::string_view linux_text, std::string_view maplet_text,
                             const std::vector<NormaliseRule>& rules) {
  std::vector<std::string_view> on_linux = split_lines(linux_text);
  std::vector<std::string_view> on_maplet = split_lines(maplet_text);
  DiffResult result;
  size_t n = std::max(on_linux.size(), on_maplet.size());
  for (size_t i = 0; i < n; i++) {
    bool both = i < on_linux.size() && i < on_maplet.size();
    if (both) result.compared++;
    if (both && lines_agree(on_linux[i], on_maplet[i], rules)) continue;
    result.diffs.push_back({i + 1, std::string(i < on_linux.size() ? on_linux[i] : MISSING),
                            std::string(i < on_maplet.size() ? on_maplet[i] : MISSING)});
  }
  return result;
}

std::string format_diffs(const DiffResult& result) {
  std::string out;
  for (const LineDiff& d : result.diffs) {
    out += "line " + std::to_string(d.line) + "\n  linux:  " + d.linux_line +
           "\n  maplet: " + d.maplet_line + "\n";
  }
  return out;
}

}  // namespace maplet::oracle
