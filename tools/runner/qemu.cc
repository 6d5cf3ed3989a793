#include "tools/runner/qemu.h"

#include <charconv>
#include <filesystem>

#include "tools/runner/process.h"
#include "tools/runner/shell_quote.h"

namespace maplet::runner {
namespace {

bool consume_int(std::string_view& s, int* out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  if (ec != std::errc()) return false;
  s.remove_prefix(static_cast<size_t>(ptr - s.data()));
  return true;
}

std::string version_string(const QemuVersion& v) {
  return std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.micro);
}

}  // namespace

std::string kernel_cmdline(const ArchSetup& setup, const BootConfig& config,
                           const Options& options) {
  std::string cmdline = "maplet.filter=" + setup.filter + " maplet.expect_mem=" + setup.memory;
  if (options.list) cmdline += " maplet.list=1";
  if (!config.append.empty()) cmdline += " " + config.append;
  if (!options.append.empty()) cmdline += " " + options.append;
  cmdline += host_dir_word(setup, options);
  return cmdline;
}

std::string host_dir_word(const ArchSetup& setup, const Options& options) {
  std::error_code ec;
  const std::filesystem::path base = options.host_dir.empty()
                                         ? std::filesystem::path(options.artifacts) / setup.name
                                         : std::filesystem::path(options.host_dir);
  const std::string dir = std::filesystem::absolute(base, ec).lexically_normal().string();
  // A command-line word cannot hold blanks; such a directory keeps cores on the console.
  if (ec || dir.find_first_of(" \t\n") != std::string::npos) return "";
  return " maplet.host_dir=" + dir;
}

void attach_guest_ram(ArchSetup& setup, const std::string& mem_path) {
  setup.argv.insert(
      setup.argv.end(),
      {"-object",
       "memory-backend-file,id=maplet-ram,share=on,mem-path=" + mem_path + ",size=" + setup.memory,
       "-machine", "memory-backend=maplet-ram"});
}

std::string gdb_command(const ArchSetup& setup) {
  std::string symbols = setup.kernel;
  if (symbols.ends_with(".bin")) symbols.replace(symbols.size() - 4, 4, ".elf");
  return shell_quote({"gdb-multiarch", symbols, "-ex", "target remote :1234"});
}

ArchSetup arch_setup(const BootConfig& config, const Options& options) {
  ArchSetup setup;
  setup.name = config.name;
  setup.arch = config.arch;
  setup.filter = options.filter.empty() ? config.filter : options.filter;
  setup.memory = options.memory.empty() ? config.memory : options.memory;
  setup.timeout_seconds = options.gdb                   ? 0
                          : options.timeout_seconds > 0 ? options.timeout_seconds
                                                        : config.timeout_seconds;
  const std::string& arch = config.arch;
  bool arm = arch == ARCH_ARM64;
  auto binary = options.qemu_binary.find(arch);
  setup.qemu_binary = binary != options.qemu_binary.end()
                          ? binary->second
                          : (arm ? "qemu-system-aarch64" : "qemu-system-ppc64");
  auto kernel = options.kernel.find(arch);
  setup.kernel = kernel != options.kernel.end()
                     ? kernel->second
                     : (arm ? "build/arm64/maplet.bin" : "build/" + arch + "/maplet.elf");
  if (arm) {
    // Semihosting lets the kernel choose QEMU's exit status (SYS_EXIT).
    setup.argv = {setup.qemu_binary,
                  "-display",
                  "none",
                  "-monitor",
                  "none",
                  "-serial",
                  "stdio",
                  "-nic",
                  "none",
                  "-semihosting-config",
                  "enable=on,target=native"};
  } else {
    // pseries adds a VGA card unless told not to, and Debian's QEMU then fails for want of
    // vgabios-stdvga.bin; "-vga none" avoids both. x-vof=on boots in ~0.2 s instead of SLOF's
    // ~5 s; panic=exit-failure turns ibm,os-term into exit status 1.
    setup.argv = {
        setup.qemu_binary, "-display", "none", "-vga", "none",    "-monitor",          "none",
        "-serial",         "stdio",    "-nic", "none", "-action", "panic=exit-failure"};
  }
  std::vector<std::string> machine = {"-M", config.machine};
  if (!config.cpu.empty()) machine.insert(machine.end(), {"-cpu", config.cpu});
  machine.insert(machine.end(), {"-m", setup.memory});
  setup.argv.insert(setup.argv.begin() + 1, machine.begin(), machine.end());
  setup.argv.insert(setup.argv.end(), config.qemu_args.begin(), config.qemu_args.end());
  setup.argv.insert(setup.argv.end(),
                    {"-kernel", setup.kernel, "-append", kernel_cmdline(setup, config, options)});
  if (options.gdb) setup.argv.insert(setup.argv.end(), {"-s", "-S"});
  setup.argv.insert(setup.argv.end(), options.qemu_args.begin(), options.qemu_args.end());
  return setup;
}

std::optional<QemuVersion> parse_qemu_version(std::string_view output) {
  constexpr std::string_view MARKER = "QEMU emulator version ";
  size_t at = output.find(MARKER);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = output.substr(at + MARKER.size());
  QemuVersion v;
  if (!consume_int(rest, &v.major)) return std::nullopt;
  if (rest.starts_with(".")) {
    rest.remove_prefix(1);
    if (!consume_int(rest, &v.minor)) return std::nullopt;
    if (rest.starts_with(".")) {
      rest.remove_prefix(1);
      if (!consume_int(rest, &v.micro)) v.micro = 0;
    }
  }
  return v;
}

bool version_at_least(const QemuVersion& v, const QemuVersion& min) {
  if (v.major != min.major) return v.major > min.major;
  if (v.minor != min.minor) return v.minor > min.minor;
  return v.micro >= min.micro;
}

std::string check_qemu(const ArchSetup& setup) {
  auto path = find_executable(setup.qemu_binary);
  if (!path) {
    return setup.qemu_binary + " not found (needed for --arch " + setup.arch +
           "); install QEMU 8.0 or newer with scripts/install-deps.sh";
  }
  std::string error;
  auto captured = run_and_capture({*path, "--version"}, std::chrono::seconds(10), &error);
  if (!captured) return error;
  if (captured->timed_out) return *path + " --version did not finish within 10 s";
  auto version = parse_qemu_version(captured->output);
  if (!version) {
    return "cannot tell the version of " + *path + " from its --version output: '" +
           captured->output.substr(0, 200) + "'";
  }
  if (!version_at_least(*version, MIN_QEMU_VERSION)) {
    return *path + " is QEMU " + version_string(*version) + ", but Maplet needs " +
           version_string(MIN_QEMU_VERSION) +
           " or newer (QEMU before 8.0, such as Debian 12's 7.2, keeps one MTE tag per page "
           "pair instead of per 16-byte granule); run scripts/install-deps.sh to install QEMU "
           "from bookworm-backports";
  }
  return "";
}

}  // namespace maplet::runner
