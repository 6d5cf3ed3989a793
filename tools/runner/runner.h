#pragma once

// The whole maplet-run program minus argv handling: checks the setup, runs the selected arches
// (at most `jobs` QEMUs at once) from one poll() loop, then prints the summaries, writes the
// JUnit file and returns the exit status.

#include <atomic>

#include "tools/runner/options.h"
#include "tools/runner/output.h"

namespace maplet::runner {

inline constexpr int EXIT_PASS = 0;
inline constexpr int EXIT_FAIL = 1;
inline constexpr int EXIT_SETUP = 2;

// Returns EXIT_PASS only if no case failed. Setup problems (no QEMU, QEMU too old, no kernel
// image, an artifacts directory or JUnit file that cannot be created or written, the artifacts
// directory in use by another run) give EXIT_SETUP before anything starts; the artifacts
// directory stays locked for the whole run. The JUnit file is replaced atomically at the end.
// `stop` (may be null) is polled: once true, running QEMUs are stopped and no more are started.
[[nodiscard]] int run(const Options& options, Output& output,
                      const std::atomic<bool>* stop = nullptr);

}  // namespace maplet::runner
