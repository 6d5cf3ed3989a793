#include "tools/runner/exec_run.h"

#include <signal.h>
#include <string.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <system_error>
#include <vector>

#include "tools/runner/arch_session.h"
#include "tools/runner/artifacts_lock.h"
#include "tools/runner/atomic_file.h"
#include "tools/runner/boot_config.h"
#include "tools/runner/elf_probe.h"
#include "tools/runner/newc_writer.h"
#include "tools/runner/session_loop.h"

namespace maplet::runner {
namespace {

// A --stdin file goes into guest memory with the program: the same bound.
constexpr std::uintmax_t MAX_STDIN_BYTES = MAX_PROGRAM_BYTES;

const char* const ENVIRONMENT[] = {"HOME=/", "TERM=linux", "PATH=/bin"};

std::string program_name(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  for (char& c : name) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '_' || c == '-';
    if (!plain) c = '_';
  }
  if (name.size() > 40) name.resize(40);
  if (name.empty() || name.front() == '.') name = "program" + name;
  return name;
}

std::string nul_list(const std::vector<std::string>& strings) {
  std::string list;
  for (const auto& s : strings) {
    list += s;
    list.push_back('\0');
  }
  return list;
}

// si_code names (include/uapi/asm-generic/siginfo.h) for the signals faults raise.
std::string code_name(int signal, int code) {
  switch (code) {
    case 0:
      return "SI_USER";
    case 0x80:
      return "SI_KERNEL";
    case -6:
      return "SI_TKILL";
    default:
      break;
  }
  static const char* const SEGV[] = {"SEGV_MAPERR",  "SEGV_ACCERR",  "SEGV_BNDERR",
                                     "SEGV_PKUERR",  "SEGV_ACCADI",  "SEGV_ADIDERR",
                                     "SEGV_ADIPERR", "SEGV_MTEAERR", "SEGV_MTESERR"};
  static const char* const BUS[] = {"BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR"};
  static const char* const ILL[] = {"ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR", "ILL_ILLTRP",
                                    "ILL_PRVOPC", "ILL_PRVREG", "ILL_COPROC", "ILL_BADSTK"};
  static const char* const TRAP[] = {"TRAP_BRKPT", "TRAP_TRACE", "TRAP_BRANCH", "TRAP_HWBKPT"};
  auto pick = [code](const char* const* names, int count) -> std::string {
    return code >= 1 && code <= count ? names[code - 1] : "";
  };
  switch (signal) {
    case SIGSEGV:
      return pick(SEGV, 9);
    case SIGBUS:
      return pick(BUS, 3);
    case SIGILL:
      return pick(ILL, 8);
    case SIGTRAP:
      return pick(TRAP, 4);
    default:
      return "";
  }
}

std::string signal_text(int signal) {
  const char* abbrev = sigabbrev_np(signal);
  return abbrev != nullptr ? std::string("SIG") + abbrev : "signal " + std::to_string(signal);
}

bool parse_int(std::string_view text, long long* out, int base = 10) {
  if (base == 16 && text.starts_with("0x")) text.remove_prefix(2);
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out, base);
  return ec == std::errc() && ptr == text.data() + text.size();
}

// "signal N code C addr 0xA pc 0xP": the line on stderr; returns N, or 0 when malformed.
int describe_signal(std::string_view rest, const std::string& program, Output& output) {
  std::istringstream words{std::string(rest)};
  std::string w[8];
  for (auto& word : w) words >> word;
  long long signal = 0, code = 0, addr = 0, pc = 0;
  if (w[1] != "code" || w[3] != "addr" || w[5] != "pc" || !parse_int(w[0], &signal) ||
      !parse_int(w[2], &code) || !parse_int(w[4], &addr, 16) || !parse_int(w[6], &pc, 16) ||
      signal <= 0 || signal > 64) {
    return 0;
  }
  std::string name = code_name(static_cast<int>(signal), static_cast<int>(code));
  char where[80];
  std::snprintf(where, sizeof where, "addr %#llx, pc %#llx", static_cast<unsigned long long>(addr),
                static_cast<unsigned long long>(pc));
  output.err("maplet-run: " + program + " killed by " + signal_text(static_cast<int>(signal)) +
             " (signal " + std::to_string(signal) + "), code " + std::to_string(code) +
             (name.empty() ? "" : " (" + name + ")") + ", " + where + "\n");
  return static_cast<int>(signal);
}

}  // namespace

int run_exec(const Options& options, Output& output, const std::atomic<bool>* stop) {
  const std::string& program = options.exec;
  auto fail = [&](const std::string& why) {
    output.err("maplet-run: " + why + "\n");
    return EXEC_RUNNER_ERROR;
  };
  ElfProbe probe = probe_elf_executable(program);
  if (!probe.ok) {
    output.err("maplet-run: cannot run " + program + ": " + probe.error + "\n");
    return probe.missing ? EXEC_NOT_FOUND : EXEC_CANNOT_RUN;
  }
  if (options.arch_given && options.arches.front() != probe.arch) {
    output.err("maplet-run: cannot run " + program + ": it is an " + probe.arch + " program, not " +
               options.arches.front() + "\n");
    return EXEC_CANNOT_RUN;
  }
  std::string input;
  bool has_stdin = !options.stdin_file.empty();
  if (has_stdin) {
    std::error_code ec;
    auto size = std::filesystem::file_size(options.stdin_file, ec);
    if (ec || !std::filesystem::is_regular_file(options.stdin_file, ec)) {
      return fail("cannot read the --stdin file " + options.stdin_file + ": " +
                  (ec ? ec.message() : "not a regular file"));
    }
    if (size > MAX_STDIN_BYTES) {
      return fail("the --stdin file " + options.stdin_file + " is larger than " +
                  std::to_string(MAX_STDIN_BYTES >> 20) + " MiB");
    }
    std::ifstream in(options.stdin_file, std::ios::binary);
    input.resize(static_cast<size_t>(size));
    in.read(input.data(), static_cast<std::streamsize>(size));
    if (!in || static_cast<std::uintmax_t>(in.gcount()) != size) {
      return fail("cannot read the --stdin file " + options.stdin_file);
    }
  }

  BootConfigTable table = load_boot_configs(options.config_file);
  if (!table.error.empty()) return fail(table.error);
  const BootConfig* base = nullptr;
  for (const auto& c : table.configs) {
    if (c.name == probe.arch) base = &c;
  }
  if (base == nullptr) {
    return fail("no boot configuration named " + probe.arch + " in " + options.config_file);
  }

  const std::filesystem::path dir = std::filesystem::path(options.artifacts) / "exec";
  std::string error;
  auto lock = ArtifactsLock::acquire(dir.string(), &error);
  if (!lock) return fail("cannot start: " + error);

  const std::string name = program_name(program);
  std::vector<std::string> argv = {name};
  argv.insert(argv.end(), options.exec_args.begin(), options.exec_args.end());
  NewcWriter cpio;
  cpio.add_directory("bin");
  cpio.add_file("bin/" + name, 0755, probe.bytes);
  cpio.add_directory("exec");
  cpio.add_file("exec/argv", 0644, nul_list(argv));
  cpio.add_file("exec/envp", 0644,
                nul_list(std::vector<std::string>(std::begin(ENVIRONMENT), std::end(ENVIRONMENT))));
  if (has_stdin) cpio.add_file("exec/stdin", 0644, input);
  const std::string archive = cpio.finish();
  probe.bytes.clear();
  const auto initramfs = dir / "initramfs.cpio";
  std::string written = write_file_atomically(
      initramfs.string(), [&](std::ostream& out) { out.write(archive.data(), archive.size()); });
  if (!written.empty()) return fail("cannot write " + initramfs.string() + ": " + written);

  const double seconds =
      options.timeout_seconds > 0 ? options.timeout_seconds : EXEC_DEFAULT_TIMEOUT;
  BootConfig config = *base;
  config.append.clear();
  config.qemu_args.clear();
  for (size_t i = 0; i < base->qemu_args.size(); ++i) {
    if (base->qemu_args[i] == "-initrd") {
      ++i;
      continue;
    }
    config.qemu_args.push_back(base->qemu_args[i]);
  }
  config.qemu_args.insert(config.qemu_args.end(), {"-initrd", initramfs.string()});
  Options boot = options;
  boot.host_dir = dir.string();  // cores written through semihosting land beside the console log
  boot.timeout_seconds = seconds + options.exec_boot_grace_seconds;
  boot.append = "maplet.exec=/bin/" + name + " maplet.user_timeout=" +
                std::to_string(static_cast<long long>(std::ceil(seconds))) +
                (options.append.empty() ? "" : " " + options.append);
  std::vector<ArchSetup> setups = {arch_setup(config, boot)};
  std::string problems = check_setup(setups);
  if (!problems.empty()) {
    problems.pop_back();
    for (char& c : problems) c = c == '\n' ? ';' : c;
    return fail("cannot start: " + problems);
  }

  SessionConfig session_config{setups.front(), dir, options.verbose, false, false, program};
  std::vector<std::unique_ptr<ArchSession>> sessions;
  sessions.push_back(std::make_unique<ArchSession>(std::move(session_config), output));
  const bool stopped = drive_sessions(sessions, 1, stop);
  const ArchSession& session = *sessions.front();
  const std::string log = "console log: " + session.console_log().string();
  if (stopped) return fail("stopped by a signal before " + program + " ended; " + log);

  const std::optional<std::string>& status = session.exec_status();
  std::string limit = std::to_string(seconds);
  limit.erase(limit.find_last_not_of('0') + 1);
  if (limit.back() == '.') limit.pop_back();
  if (!status) {
    if (session.timed_out()) {
      output.err("maplet-run: " + program + " still running after " + limit +
                 " s and the kernel did not stop it: QEMU killed; " + log + "\n");
      return EXEC_TIMEOUT;
    }
    return fail("the kernel ended without saying how " + program + " ended (" +
                session.qemu_ending() + "); " + log);
  }
  std::string_view how = *status;
  long long code = 0;
  if (how.starts_with("exit ") && parse_int(how.substr(5), &code) && code >= 0 && code <= 255) {
    return static_cast<int>(code);
  }
  if (how.starts_with("signal ")) {
    int signal = describe_signal(how.substr(7), program, output);
    if (signal == 0) return fail("malformed status line from the kernel: ~status " + *status);
    for (const auto& core : session.saved_artifacts()) {
      output.err("maplet-run: core file: " + core.string() + "\n");
    }
    return 128 + signal;
  }
  if (how == "timeout") {
    output.err("maplet-run: " + program + " still running after " + limit +
               " s (--timeout): killed\n");
    return EXEC_TIMEOUT;
  }
  if (how.starts_with("refused ")) {
    output.err("maplet-run: cannot run " + program +
               ": the kernel refused it: " + std::string(how.substr(8)) + "\n");
    return EXEC_CANNOT_RUN;
  }
  return fail("malformed status line from the kernel: ~status " + *status);
}

}  // namespace maplet::runner
