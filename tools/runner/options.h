#pragma once

// Command-line options of maplet-run (see README.md for the full description).

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace maplet::runner {

inline constexpr const char* ARCH_ARM64 = "arm64";
inline constexpr const char* ARCH_POWERPC = "powerpc";
inline constexpr const char* ARCH_POWERPC64LE = "powerpc64le";

inline constexpr const char* DEFAULT_CONFIG_FILE = "tools/runner/boot-configs.cfg";

// Single-valued options keep the last value given; --config, --qemu-arg and --append add to
// what earlier ones gave.
struct Options {
  // Keeps only configurations of these arches, in this order; never empty after parsing.
  std::vector<std::string> arches;
  // Named boot configurations ("all": every one); empty: the default configuration of each arch.
  std::vector<std::string> configs;
  std::string config_file = DEFAULT_CONFIG_FILE;
  std::string filter;          // "": each configuration's default filter.
  std::string memory;          // "": each configuration's memory size.
  double timeout_seconds = 0;  // 0: each configuration's timeout.
  std::string junit;           // "" when no JUnit file is wanted.
  std::string artifacts = "build/artifacts";
  // Where an arm64 kernel writes large artifacts (maplet.host_dir=); "": <artifacts>/<config>.
  // --exec sets it to its own artifacts directory.
  std::string host_dir;
  int jobs = 0;  // At most this many QEMUs at once; 0: all configurations at once.
  std::vector<std::string> qemu_args;
  std::string append;
  bool verbose = false;
  bool list = false;    // Print the selected tests instead of running them.
  bool failed = false;  // Run only what failed in the previous run of each configuration.
  bool gdb = false;     // QEMU waits for a debugger on :1234; no timeout.
  bool help = false;
  std::map<std::string, std::string> kernel;       // Per-arch kernel image override.
  std::map<std::string, std::string> qemu_binary;  // Per-arch QEMU binary override.

  // --exec PROG: run one static Linux program instead of the tests (tools/runner/exec_run.h).
  std::string exec;
  std::string stdin_file;              // --stdin FILE: the program's fd 0.
  std::vector<std::string> exec_args;  // After "--": argv[1...].
  bool arch_given = false;             // --arch was on the command line.
  // How long after the program's time limit QEMU itself is stopped (tests shorten it).
  double exec_boot_grace_seconds = 30;
};

struct ParsedOptions {
  std::optional<Options> options;  // Set on success.
  std::string error;               // Set on failure: a one-line reason.
  bool exec = false;  // --exec was among the arguments (its errors take exec mode's codes).
};

// Parses the arguments after argv[0]. Accepts "--opt VALUE" and "--opt=VALUE", "-j N" and "-jN".
// Whether configuration names exist is checked later, against the table.
[[nodiscard]] ParsedOptions parse_options(std::span<const char* const> args);

[[nodiscard]] std::string usage_text();

// A memory size for QEMU's -m and the kernel's maplet.expect_mem=: decimal digits and an M or G
// suffix (the two read a bare number differently, so the unit is required).
[[nodiscard]] bool valid_memory_size(std::string_view text);

}  // namespace maplet::runner
