#pragma once

// How one boot configuration is booted: the QEMU binary, the kernel image, the machine flags
// (from the configuration table, plus what every boot of the arch needs; tools/runner/README.md
// explains each choice) and the kernel command line. Also the QEMU version gate: QEMU older than
// 8.0 keeps MTE allocation tags per page pair instead of per 16-byte granule, so the runner
// refuses it.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/runner/boot_config.h"
#include "tools/runner/options.h"

namespace maplet::runner {

struct ArchSetup {
  std::string name;  // The configuration's name: the run's label and artifacts subdirectory.
  std::string arch;
  std::string qemu_binary;
  std::string kernel;
  std::string filter;
  std::string memory;
  double timeout_seconds = 60;    // 0: no timeout (--gdb).
  std::vector<std::string> argv;  // Full QEMU command line.
};

// Resolves binaries, kernel path and command line for `config`, the options taking precedence
// over the configuration (--filter, --memory, --timeout; --qemu-arg and --append come after
// the configuration's own).
[[nodiscard]] ArchSetup arch_setup(const BootConfig& config, const Options& options);

// "maplet.filter=<filter> maplet.expect_mem=<memory>[ maplet.list=1][ <config append>]
// [ <--append>][ maplet.host_dir=<dir>]".
[[nodiscard]] std::string kernel_cmdline(const ArchSetup& setup, const BootConfig& config,
                                         const Options& options);
// " maplet.host_dir=<absolute artifacts dir>/<configuration>" (or the absolute options.host_dir
// when set): where the kernel's large artifacts land, written by the arm64 kernel through
// semihosting or by the runner from powerpc's guest RAM (~hostfile, ~hostram lines); "" when the
// path holds a blank.
[[nodiscard]] std::string host_dir_word(const ArchSetup& setup, const Options& options);

// Adds to a powerpc setup's QEMU command line the machine's RAM as the file `mem_path`, shared
// with the runner (tools/runner/guest_ram.h), of the setup's memory size.
void attach_guest_ram(ArchSetup& setup, const std::string& mem_path);

// The gdb command that attaches to a QEMU started with -s -S for `setup` (symbols from the ELF
// next to a raw .bin image).
[[nodiscard]] std::string gdb_command(const ArchSetup& setup);

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
