#pragma once

// What every run of maplet-run shares, the test runs and --exec: the setup check before QEMU
// starts, and the poll() loop that drives the sessions (at most `jobs` QEMUs at once) until
// every one is done or a stop request ended them.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "tools/runner/arch_session.h"
#include "tools/runner/qemu.h"

namespace maplet::runner {

// Returns "" when everything needed to start is present (QEMU, new enough; the kernel image),
// else the reasons, one per line.
[[nodiscard]] std::string check_setup(const std::vector<ArchSetup>& setups);

// Starts, feeds and finishes the sessions; every one is finished on return. `stop` (may be
// null) is polled: once true, running QEMUs are stopped and no more are started. Returns
// whether a stop request ended the run.
bool drive_sessions(std::vector<std::unique_ptr<ArchSession>>& sessions, size_t jobs,
                    const std::atomic<bool>* stop);

}  // namespace maplet::runner
