#pragma once

// The table of named boot configurations (tools/runner/boot-configs.cfg): for each name, the
// arch and how QEMU boots it (machine, CPU, memory, extra QEMU arguments), extra kernel
// command-line text, the default test filter and the timeout. The format:
//
//   # a comment                 (whole lines only)
//   [arm64-nomte]               a configuration's name: [A-Za-z0-9._-]+, unique
//   arch = arm64                arm64, powerpc or powerpc64le (required)
//   machine = virt,mte=off      QEMU -M (required)
//   cpu = max                   QEMU -cpu (optional)
//   memory = 256M               QEMU -m and maplet.expect_mem= (required; digits then M or G)
//   qemu_args = -smp 2          more QEMU arguments, split at spaces (optional)
//   append = maplet.x=1         more kernel command-line text (optional)
//   filter = *                  default test filter, no whitespace (optional, default *)
//   timeout = 60                seconds, greater than 0 (optional, default 60)
//
// Every key at most once per configuration. The configuration named after an arch is that
// arch's default. Errors name the file and line: "FILE:LINE: unknown key 'cpus'".

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/runner/options.h"

namespace maplet::runner {

struct BootConfig {
  std::string name;
  std::string arch;  // ARCH_ARM64 or ARCH_POWERPC.
  std::string machine;
  std::string cpu;  // "": QEMU's default for the machine.
  std::string memory;
  std::vector<std::string> qemu_args;
  std::string append;
  std::string filter = "*";
  double timeout_seconds = 60;
};

struct BootConfigTable {
  std::vector<BootConfig> configs;  // In file order.
  std::string error;                // Set on failure: "FILE:LINE: reason".
};

// Parses the table's text; `file` names it in errors.
[[nodiscard]] BootConfigTable parse_boot_configs(std::string_view text, const std::string& file);
// Reads and parses the file at `path`.
[[nodiscard]] BootConfigTable load_boot_configs(const std::string& path);

struct BootSelection {
  std::vector<const BootConfig*> configs;  // Into the table, in run order, without repeats.
  std::string error;                       // Set when nothing usable was selected.
};

// The configurations `options` asks for: those named by --config ("all": every one), or the
// default configuration of each arch, keeping only the arches of --arch.
[[nodiscard]] BootSelection select_boot_configs(const BootConfigTable& table,
                                                const Options& options);

}  // namespace maplet::runner
