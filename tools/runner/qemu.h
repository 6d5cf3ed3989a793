#pragma once

// How each arch is booted: the QEMU binary, the kernel image, the machine flags (PLATFORM.md
// explains each choice) and the kernel command line. Also the QEMU version gate: QEMU older
// than 8.0 has a broken MTE tag store (upstream issue #1416), so the runner refuses it.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/runner/options.h"

namespace maplet::runner {

struct ArchSetup {
  std::string arch;
  std::string qemu_binary;
  std::string kernel;
  std::vector<std::string> argv;  // Full QEMU command line.
};

// Resolves binaries, kernel path and command line for `arch` from the options.
[[nodiscard]] ArchSetup arch_setup(const std::string& arch, const Options& options);

// "maplet.filter=<glob> maplet.expect_mem=256M[ <append>]".
[[nodiscard]] std::string kernel_cmdline(const Options& options);

struct QemuVersion {
  int major = 0;
  int minor = 0;
  int micro = 0;
};

inline constexpr QemuVersion MIN_QEMU_VERSION{8, 0, 0};

// Finds "QEMU emulator version X.Y.Z" in `--version` output.
[[nodiscard]] std::optional<QemuVersion> parse_qemu_version(std::string_view output);
[[nodiscard]] bool version_at_least(const QemuVersion& version, const QemuVersion& minimum);

// Checks that the binary exists, runs `--version` and checks the version. Returns "" when the
// QEMU is usable, else the message for the user.
[[nodiscard]] std::string check_qemu(const ArchSetup& setup);

}  // namespace maplet::runner
