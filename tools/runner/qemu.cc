#include "tools/runner/qemu.h"

#include <charconv>

#include "tools/runner/process.h"

namespace maplet::runner {
namespace {

constexpr const char* MEMORY = "256M";

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

std::string kernel_cmdline(const Options& options) {
  std::string cmdline =
      "maplet.filter=" + options.filter + " maplet.expect_mem=" + std::string(MEMORY);
  if (!options.append.empty()) cmdline += " " + options.append;
  return cmdline;
}

ArchSetup arch_setup(const std::string& arch, const Options& options) {
  ArchSetup setup;
  setup.arch = arch;
  bool arm = arch == ARCH_ARM64;
  auto binary = options.qemu_binary.find(arch);
  setup.qemu_binary = binary != options.qemu_binary.end()
                          ? binary->second
                          : (arm ? "qemu-system-aarch64" : "qemu-system-ppc64");
  auto kernel = options.kernel.find(arch);
  setup.kernel = kernel != options.kernel.end()
                     ? kernel->second
                     : (arm ? "build/arm64/maplet.bin" : "build/powerpc/maplet.elf");
  if (arm) {
    // Semihosting lets the kernel choose QEMU's exit status (SYS_EXIT).
    setup.argv = {setup.qemu_binary,
                  "-M",
                  "virt,mte=on",
                  "-cpu",
                  "max",
                  "-m",
                  MEMORY,
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
    setup.argv = {setup.qemu_binary,
                  "-M",
                  "pseries,x-vof=on",
                  "-m",
                  MEMORY,
                  "-display",
                  "none",
                  "-vga",
                  "none",
                  "-monitor",
                  "none",
                  "-serial",
                  "stdio",
                  "-nic",
                  "none",
                  "-action",
                  "panic=exit-failure"};
  }
  setup.argv.insert(setup.argv.end(),
                    {"-kernel", setup.kernel, "-append", kernel_cmdline(options)});
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
