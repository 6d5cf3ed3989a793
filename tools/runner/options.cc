#include "tools/runner/options.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string_view>

namespace maplet::runner {
namespace {

// The kernel splits its command line at spaces, so a value with whitespace would arrive as two.
bool has_space(std::string_view s) { return s.find_first_of(" \t\n\r") != std::string_view::npos; }

bool parse_arch_list(std::string_view value, std::vector<std::string>* arches) {
  while (true) {
    size_t comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    if (item == "all") {
      for (const char* a : {ARCH_ARM64, ARCH_POWERPC, ARCH_POWERPC64LE}) arches->push_back(a);
    } else if (item == "arm64" || item == "aarch64") {
      arches->push_back(ARCH_ARM64);
    } else if (item == "powerpc" || item == "ppc64") {
      arches->push_back(ARCH_POWERPC);
    } else if (item == "powerpc64le" || item == "ppc64le" || item == "ppc64el") {
      arches->push_back(ARCH_POWERPC64LE);
    } else {
      return false;
    }
    if (comma == std::string_view::npos) return true;
    value.remove_prefix(comma + 1);
  }
}

// Adds the comma-separated names in `value`; false on an empty name.
bool parse_name_list(std::string_view value, std::vector<std::string>* names) {
  while (true) {
    size_t comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    if (item.empty()) return false;
    names->emplace_back(item);
    if (comma == std::string_view::npos) return true;
    value.remove_prefix(comma + 1);
  }
}

bool parse_seconds(std::string_view text, double* out) {
  std::string copy(text);
  char* end = nullptr;
  double value = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size()) return false;
  if (!std::isfinite(value) || value <= 0 || value > 86400) return false;
  *out = value;
  return true;
}

bool parse_jobs(std::string_view text, int* out) {
  int value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < 1) return false;
  *out = value;
  return true;
}

}  // namespace

bool valid_memory_size(std::string_view text) {
  if (text.size() < 2 || text.size() > 12 || (text.back() != 'M' && text.back() != 'G')) {
    return false;
  }
  text.remove_suffix(1);
  return text.front() != '0' &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

ParsedOptions parse_options(std::span<const char* const> args) {
  Options options;
  std::vector<std::string> arches;
  bool exec = false;
  for (std::string_view arg : args) {
    if (arg == "--") break;
    exec = exec || arg == "--exec" || arg.starts_with("--exec=");
  }
  auto error = [exec](std::string message) {
    return ParsedOptions{std::nullopt, std::move(message), exec};
  };

  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--") {
      if (!exec) return error("'--' (program arguments) goes only with --exec");
      options.exec_args.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
      break;
    }
    std::string_view name = arg;
    std::optional<std::string_view> inline_value;
    if (arg.starts_with("--")) {
      if (size_t eq = arg.find('='); eq != std::string_view::npos) {
        name = arg.substr(0, eq);
        inline_value = arg.substr(eq + 1);
      }
    } else if (arg.starts_with("-j") && arg.size() > 2) {
      name = "-j";
      inline_value = arg.substr(2);
    }
    // Fetches the option's value from "=VALUE" or from the next argument.
    auto value = [&](std::string_view* out) -> bool {
      if (inline_value) {
        *out = *inline_value;
        return true;
      }
      if (i + 1 >= args.size()) return false;
      *out = args[++i];
      return true;
    };
    std::string_view v;
    if (name == "--help" || name == "-h") {
      options.help = true;
    } else if (name == "--verbose" || name == "-v") {
      options.verbose = true;
    } else if (name == "--list") {
      options.list = true;
    } else if (name == "--failed") {
      options.failed = true;
    } else if (name == "--gdb") {
      options.gdb = true;
    } else if (name == "--exec") {
      if (!value(&v) || v.empty()) return error("--exec needs a program");
      options.exec = v;
    } else if (name == "--stdin") {
      if (!value(&v) || v.empty()) return error("--stdin needs a file");
      options.stdin_file = v;
    } else if (name == "--arch") {
      options.arch_given = true;
      if (!value(&v)) return error("--arch needs a value (arm64, powerpc, powerpc64le or all)");
      arches.clear();  // The last --arch wins, so `make run RUN_ARGS="--arch X"` overrides.
      if (!parse_arch_list(v, &arches)) {
        return error("unknown arch '" + std::string(v) +
                     "' (want arm64, powerpc, powerpc64le or all)");
      }
    } else if (name == "--config") {
      if (!value(&v) || !parse_name_list(v, &options.configs)) {
        return error("--config needs configuration names, such as arm64,powerpc or all");
      }
    } else if (name == "--config-file") {
      if (!value(&v) || v.empty()) return error("--config-file needs a file name");
      options.config_file = v;
    } else if (name == "--memory") {
      if (!value(&v) || !valid_memory_size(v)) {
        return error("--memory needs a size in MiB or GiB, such as 768M or 2G");
      }
      options.memory = v;
    } else if (name == "--filter") {
      if (!value(&v) || v.empty()) return error("--filter needs a glob such as 'format.*'");
      if (has_space(v)) return error("--filter must not contain whitespace");
      options.filter = v;
    } else if (name == "--timeout") {
      if (!value(&v) || !parse_seconds(v, &options.timeout_seconds)) {
        return error("--timeout needs a number of seconds greater than 0");
      }
    } else if (name == "--junit") {
      if (!value(&v) || v.empty()) return error("--junit needs a file name");
      options.junit = v;
    } else if (name == "--artifacts") {
      if (!value(&v) || v.empty()) return error("--artifacts needs a directory");
      options.artifacts = v;
    } else if (name == "-j" || name == "--jobs") {
      if (!value(&v) || !parse_jobs(v, &options.jobs)) {
        return error("-j needs a positive number of parallel QEMUs");
      }
    } else if (name == "--qemu-arg") {
      if (!value(&v)) return error("--qemu-arg needs a value");
      options.qemu_args.emplace_back(v);
    } else if (name == "--append") {
      if (!value(&v)) return error("--append needs a value");
      options.append =
          options.append.empty() ? std::string(v) : options.append + " " + std::string(v);
    } else if (name == "--kernel-arm64" || name == "--kernel-powerpc" ||
               name == "--kernel-powerpc64le") {
      if (!value(&v) || v.empty()) return error(std::string(name) + " needs a path");
      options.kernel[std::string(name.substr(9))] = v;
    } else if (name == "--qemu-binary-arm64" || name == "--qemu-binary-powerpc" ||
               name == "--qemu-binary-powerpc64le") {
      if (!value(&v) || v.empty()) return error(std::string(name) + " needs a path");
      options.qemu_binary[std::string(name.substr(14))] = v;
    } else {
      return error("unknown argument '" + std::string(arg) + "'");
    }
  }

  if (exec) {
    if (options.list || options.failed || options.gdb || !options.configs.empty() ||
        !options.filter.empty() || !options.junit.empty() || options.jobs != 0) {
      return error(
          "--exec runs one program: --list, --failed, --gdb, --config, --filter, --junit and -j "
          "do not go with it");
    }
    if (options.arch_given && arches.size() != 1) {
      return error(
          "--exec needs one arch: --arch arm64, powerpc or powerpc64le (or none: the ELF says)");
    }
  } else if (!options.stdin_file.empty()) {
    return error("--stdin goes only with --exec");
  }
  if (options.failed && !options.filter.empty()) {
    return error("--failed makes its own filter from the last run; leave out --filter");
  }
  if (options.gdb && options.list) return error("--gdb and --list do not go together");
  if (arches.empty()) arches = {ARCH_ARM64, ARCH_POWERPC, ARCH_POWERPC64LE};
  for (const auto& arch : arches) {
    if (std::find(options.arches.begin(), options.arches.end(), arch) == options.arches.end()) {
      options.arches.push_back(arch);
    }
  }
  return ParsedOptions{std::move(options), "", exec};
}

std::string usage_text() {
  return R"(usage: maplet-run [options]
Boots the Maplet test kernels under QEMU, reads their KTAP results and reports them.

  --arch ARCH                arm64, powerpc (big-endian), powerpc64le or all (the default);
                             a comma-separated list allowed; without --config, each arch's
                             default configuration
  --config NAME[,NAME...]    boot configurations from the table (repeatable; all: every one)
  --config-file FILE         the table (default tools/runner/boot-configs.cfg)
  --memory SIZE              RAM for QEMU's -m and the kernel's maplet.expect_mem= (768M, 2G)
  --filter GLOB              tests to run, passed as maplet.filter= (default: the
                             configuration's, usually *)
  --timeout S                kill QEMU after S seconds (default: the configuration's, 60)
  --list                     print the selected tests of each configuration; run none
  --failed                   run only the tests that failed in the last run of each
                             configuration (recorded in DIR/<config>/failed-tests.txt)
  --gdb                      QEMU waits for gdb on :1234 (no timeout; prints the gdb command)
  --junit FILE               write JUnit XML results to FILE
  --artifacts DIR            console logs and core files go to DIR/<config>/ (default
                             build/artifacts)
  -j N                       run at most N QEMUs at once (default: all at once)
  --qemu-arg ARG             extra QEMU argument (repeatable)
  --append TEXT              extra kernel command-line text (repeatable)
  --kernel-arm64 PATH        arm64 kernel image (default build/arm64/maplet.bin)
  --kernel-powerpc PATH      powerpc kernel image (default build/powerpc/maplet.elf)
  --kernel-powerpc64le PATH  powerpc64le kernel image (default build/powerpc64le/maplet.elf)
  --qemu-binary-arm64 PATH   QEMU for arm64 (default qemu-system-aarch64)
  --qemu-binary-powerpc PATH QEMU for powerpc (default qemu-system-ppc64)
  --qemu-binary-powerpc64le PATH  QEMU for powerpc64le (default qemu-system-ppc64)
  --verbose                  also show the kernel log, QEMU's stderr and its command line
                             (shell-quoted) on stderr
  --help                     show this text

  --exec PROG [-- ARGS...]   run the static Linux program PROG (arm64, or powerpc64 of
                             either byte order) as the kernel's first process with ARGS; its stdout,
                             stderr and exit status become maplet-run's (tools/runner/README.md)
  --stdin FILE               with --exec: the program reads FILE on fd 0

Repeated options: the last value wins, but --config, --qemu-arg and --append add up.
Colour only when stderr is a terminal and NO_COLOR is unset.
Exit status: 0 if every test passed (skips are fine), 1 otherwise, 2 for usage or setup errors.
With --exec: the program's exit status, 128+N when signal N killed it, 124 when it ran past
--timeout, 125 for the runner's own errors, 126 for a file that is no static program of a
Maplet arch, 127 for a missing file.
)";
}

}  // namespace maplet::runner
