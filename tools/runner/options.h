#pragma once

// Command-line options of maplet-run (see README.md for the full description).

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace maplet::runner {

inline constexpr const char* ARCH_ARM64 = "arm64";
inline constexpr const char* ARCH_POWERPC = "powerpc";

struct Options {
  std::vector<std::string> arches;  // In run order; never empty after parsing.
  std::string filter = "*";
  double timeout_seconds = 60;
  std::string junit;  // "" when no JUnit file is wanted.
  std::string artifacts = "build/artifacts";
  int jobs = 0;  // At most this many QEMUs at once; 0: all arches at once.
  std::vector<std::string> qemu_args;
  std::string append;
  bool verbose = false;
  bool help = false;
  std::map<std::string, std::string> kernel;       // Per-arch kernel image override.
  std::map<std::string, std::string> qemu_binary;  // Per-arch QEMU binary override.
};

struct ParsedOptions {
  std::optional<Options> options;  // Set on success.
  std::string error;               // Set on failure: a one-line reason.
};

// Parses the arguments after argv[0]. Accepts "--opt VALUE" and "--opt=VALUE", "-j N" and "-jN".
[[nodiscard]] ParsedOptions parse_options(std::span<const char* const> args);

[[nodiscard]] std::string usage_text();

}  // namespace maplet::runner
