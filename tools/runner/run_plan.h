#pragma once

// What one maplet-run invocation will boot: the configurations selected from the table, each
// resolved to its QEMU command line, after --failed has narrowed each to what failed last time
// (configurations whose last run passed are left out; so are those never run, with a note).

#include <string>
#include <vector>

#include "tools/runner/options.h"
#include "tools/runner/qemu.h"

namespace maplet::runner {

struct RunPlan {
  std::vector<ArchSetup> setups;
  std::vector<std::string> notes;  // For the user, one line each (what --failed left out).
  std::string error;               // Set on a usage or setup problem: nothing may start.
};

[[nodiscard]] RunPlan plan_runs(const Options& options);

}  // namespace maplet::runner
