#pragma once

// What failed in a configuration's last run, kept for `maplet-run --failed`: the file
// <artifacts>/<config>/failed-tests.txt holds one filter glob per line, empty when nothing
// failed. A failed kernel case is recorded by name ("format.width"); a failure the parser or
// runner made up inside a suite (a test that never reported, a cut-off suite) reruns the whole
// suite ("mm.*"); any other made-up failure (QEMU crashed or hung, no KTAP, too much KTAP, a
// damaged artifact, a filter that matched nothing) cannot be traced to a test, so the whole
// filter of that run is recorded.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tools/runner/test_result.h"

namespace maplet::runner {

[[nodiscard]] std::filesystem::path failure_record_path(const std::filesystem::path& config_dir);

// The globs to record for `cases`, a run made with `filter`; sorted, without repeats.
[[nodiscard]] std::vector<std::string> failure_globs(const std::vector<CaseResult>& cases,
                                                     const std::string& filter);

// Writes the record atomically (a temporary file, then rename). Returns "" or the reason.
[[nodiscard]] std::string write_failure_record(const std::filesystem::path& config_dir,
                                               const std::vector<std::string>& globs);

struct FailureRecord {
  bool exists = false;
  std::string filter;  // The recorded globs joined by ','; "" when nothing failed.
  std::string error;   // Unreadable or malformed record.
};

[[nodiscard]] FailureRecord read_failure_record(const std::filesystem::path& config_dir);

}  // namespace maplet::runner
