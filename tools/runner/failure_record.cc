#include "tools/runner/failure_record.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

namespace maplet::runner {
namespace {

// The kernel's command-line buffer is 2 KiB on powerpc; leave room for the rest of the line.
constexpr size_t MAX_FILTER = 1024;

bool is_kernel_name(std::string_view name) {
  return !name.empty() && name.find_first_of(" \t*?[,#") == std::string_view::npos;
}

}  // namespace

std::filesystem::path failure_record_path(const std::filesystem::path& config_dir) {
  return config_dir / "failed-tests.txt";
}

std::vector<std::string> failure_globs(const std::vector<CaseResult>& cases,
                                       const std::string& filter) {
  std::vector<std::string> globs;
  bool whole_run = false;
  for (const auto& c : cases) {
    if (c.outcome != Outcome::kFail) continue;
    bool runner_made = c.suite.empty() || c.suite == "qemu" || c.suite == "ktap" ||
                       c.suite == "artifact" || c.suite == "clock" || c.suite == "filter";
    if (runner_made && c.synthesized) {
      whole_run = true;
    } else if (c.synthesized || !is_kernel_name(c.name)) {
      // A suite-level failure ("mm.#4", "mm.plan", the suite itself): the suite's top level.
      std::string suite = c.suite.empty() ? c.name : c.suite;
      globs.push_back(suite.substr(0, suite.find('.')) + ".*");
    } else {
      globs.push_back(full_name(c));
    }
  }
  std::sort(globs.begin(), globs.end());
  globs.erase(std::unique(globs.begin(), globs.end()), globs.end());
  size_t length = 0;
  for (const auto& g : globs) length += g.size() + 1;
  if (whole_run || length > MAX_FILTER) return {filter};
  return globs;
}

std::string write_failure_record(const std::filesystem::path& config_dir,
                                 const std::vector<std::string>& globs) {
  std::filesystem::path path = failure_record_path(config_dir);
  std::filesystem::path temporary = path;
  temporary += ".tmp" + std::to_string(getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    for (const auto& g : globs) out << g << '\n';
    out.flush();
    if (!out) return "cannot write " + temporary.string() + ": " + std::strerror(errno);
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    return "cannot write " + path.string() + ": " + ec.message();
  }
  return "";
}

FailureRecord read_failure_record(const std::filesystem::path& config_dir) {
  FailureRecord record;
  std::filesystem::path path = failure_record_path(config_dir);
  std::ifstream in(path, std::ios::binary);
  if (!in) return record;
  record.exists = true;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line.size() > MAX_FILTER || line.find_first_of(" \t\r,") != std::string::npos) {
      record.error = path.string() + " is damaged (a line is not one glob); rerun without --failed";
      return record;
    }
    record.filter += (record.filter.empty() ? "" : ",") + line;
  }
  if (record.filter.size() > MAX_FILTER) {
    record.error = path.string() + " holds more than " + std::to_string(MAX_FILTER) +
                   " bytes of globs; rerun without --failed";
  }
  return record;
}

}  // namespace maplet::runner
