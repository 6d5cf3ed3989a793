#include "tools/runner/arch_session.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <system_error>
#include <utility>

#include "tools/runner/colour.h"
#include "tools/runner/listing.h"
#include "tools/runner/shell_quote.h"

namespace maplet::runner {
namespace {

constexpr size_t TAIL_LINES = 12;
constexpr size_t TAIL_WIDTH = 300;
constexpr size_t MAX_USER_LINE = 64 * 1024;
constexpr size_t MAX_LISTED_FAILURES = 20;
// Warnings shown live per configuration; the rest are counted, so a flood cannot flood the
// terminal.
constexpr size_t MAX_LIVE_WARNINGS = 50;

// Console text is untrusted: keep escape sequences and other control bytes off the terminal.
std::string printable(std::string_view text, size_t limit = std::string::npos) {
  std::string out;
  for (char c : text.substr(0, limit)) {
    auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 && c != '\t') || u == 0x7f ? '?' : c;
  }
  if (text.size() > limit) out += "...";
  return out;
}

void remember(std::deque<std::string>& tail, std::string_view line) {
  tail.push_back(printable(line, TAIL_WIDTH));
  if (tail.size() > TAIL_LINES) tail.pop_front();
}

std::string format_seconds(double seconds) {
  char buf[32];
  if (seconds == std::floor(seconds)) {
    std::snprintf(buf, sizeof buf, "%.0f", seconds);
  } else {
    std::snprintf(buf, sizeof buf, "%g", seconds);
  }
  return buf;
}

bool any_synthesized_failure(const std::vector<CaseResult>& cases) {
  for (const auto& c : cases) {
    if (c.synthesized && c.outcome == Outcome::kFail) return true;
  }
  return false;
}

}  // namespace

ArchSession::ArchSession(SessionConfig config, Output& output)
    : m_config(std::move(config)),
      m_output(output),
      m_prefix("[" + m_config.setup.name + "] "),
      m_parser([this](CaseResult& result) { on_case(result); }) {
  m_artifacts = std::make_unique<ArtifactReceiver>(
      m_config.artifacts_dir, [this](const ArtifactOutcome& o) { on_artifact(o); },
      [this](std::string_view w) { warn(std::string(w)); });
  DemuxSink sink;
  sink.ktap_line = [this](std::string_view line) {
    remember(m_console_tail, line);
    m_parser.feed_line(line);
  };
  sink.log_line = [this](std::string_view line) {
    remember(m_console_tail, line);
    if (m_config.verbose) progress("log: " + printable(line));
  };
  sink.user_stdout = [this](std::string_view b) { user_output(m_user_stdout, b, true, false); };
  sink.user_stderr = [this](std::string_view b) { user_output(m_user_stderr, b, false, false); };
  sink.plan_line = [this](std::string_view text) { on_plan_line(text); };
  sink.clock_line = [this](std::string_view text) {
    m_clock.on_line(text, m_console_empty_at, m_console_read_at);
  };
  if (!m_config.exec_program.empty()) {
    sink.status_line = [this](std::string_view text) { m_exec_status = std::string(text); };
    sink.enosys_line = [this](std::string_view text) {
      std::string_view number = text.substr(0, text.find(' '));
      std::string_view name = number.size() < text.size() ? text.substr(number.size() + 1) : "?";
      m_output.err("maplet-run: " + m_config.exec_program + " made the unknown system call " +
                   printable(name, 64) + " (" + printable(number, 24) + "): ENOSYS\n");
    };
  }
  sink.warning = [this](std::string_view w) { warn(std::string(w)); };
  sink.partial_line = [this](std::string_view line) {
    remember(m_console_tail, line);
    warn("the console ended in the middle of a line: " + printable(line, 200));
  };
  m_demux = std::make_unique<ConsoleDemux>(std::move(sink), m_artifacts.get());
}

ArchSession::~ArchSession() {
  if (m_child.pid > 0 && !m_status) {
    signal_group(m_child.pid, SIGKILL);
    while (!try_reap(m_child.pid)) usleep(1000);
  }
  close_pipe(m_child.stdout_fd);
  close_pipe(m_child.stderr_fd);
  if (m_console != nullptr) std::fclose(m_console);
  if (m_stderr_log != nullptr) std::fclose(m_stderr_log);
}

std::filesystem::path ArchSession::console_log() const {
  return m_config.artifacts_dir / "console.log";
}

void ArchSession::start() {
  m_started = true;
  m_start = Clock::now();
  m_last_result = m_start;
  m_deadline = m_config.setup.timeout_seconds <= 0
                   ? Clock::time_point::max()
                   : m_start + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(m_config.setup.timeout_seconds));
  std::error_code ec;
  std::filesystem::create_directories(m_config.artifacts_dir, ec);
  m_console = std::fopen(console_log().c_str(), "wb");
  auto stderr_path = m_config.artifacts_dir / "qemu-stderr.log";
  m_stderr_log = std::fopen(stderr_path.c_str(), "wb");
  if (m_console == nullptr || m_stderr_log == nullptr) {
    add_failure("qemu", "start",
                "cannot write the console logs in " + m_config.artifacts_dir.string() + ": " +
                    std::strerror(errno),
                {});
    m_status = 0;
    return;
  }
  if (m_config.setup.arch == ARCH_POWERPC || m_config.setup.arch == ARCH_POWERPC64LE) {
    // The powerpc kernels send large files through its RAM (tools/runner/guest_ram.h).
    std::string error;
    m_guest_ram = GuestRam::create(&error);
    if (m_guest_ram == nullptr) {
      add_failure("qemu", "start", error, {});
      m_status = 0;
      return;
    }
    attach_guest_ram(m_config.setup, m_guest_ram->qemu_path());
    m_artifacts->set_guest_ram(m_guest_ram.get());
  }
  if (m_config.verbose) progress("starting: " + shell_quote(m_config.setup.argv));
  // The console pipe is new: empty until QEMU, started below, writes to it.
  m_console_empty_at = Clock::now();
  std::string error;
  auto child = spawn_child(m_config.setup.argv, &error);
  if (!child) {
    add_failure("qemu", "start", error, {});
    m_status = 0;
    return;
  }
  m_child = *child;
}

void ArchSession::read_ready(int fd) {
  bool is_stdout = fd == m_child.stdout_fd;
  // Bounded so that one chatty QEMU cannot starve the other arches' pipes.
  for (int round = 0; round < 16 && fd >= 0; ++round) {
    char buf[65536];
    const Clock::time_point before = Clock::now();
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      std::string_view bytes(buf, static_cast<size_t>(n));
      if (is_stdout) {
        m_console_read_at = Clock::now();
        on_console(bytes);
      } else {
        on_qemu_stderr(bytes);
      }
      continue;
    }
    if (n < 0 && errno == EAGAIN && is_stdout) m_console_empty_at = before;
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    close_pipe(is_stdout ? m_child.stdout_fd : m_child.stderr_fd);
    return;
  }
}

void ArchSession::on_console(std::string_view bytes) {
  // The raw log comes first and gets every byte, whatever the parser makes of it.
  std::fwrite(bytes.data(), 1, bytes.size(), m_console);
  std::fflush(m_console);
  m_demux->feed(bytes);
  if (m_parser.limit_reached() && !m_aborted && !m_timed_out) {
    abort("the KTAP output exceeded the runner's limits");
  }
}

void ArchSession::on_qemu_stderr(std::string_view bytes) {
  std::fwrite(bytes.data(), 1, bytes.size(), m_stderr_log);
  std::fflush(m_stderr_log);
  m_stderr_line.append(bytes);
  size_t newline;
  while ((newline = m_stderr_line.find('\n')) != std::string::npos) {
    std::string line = m_stderr_line.substr(0, newline);
    m_stderr_line.erase(0, newline + 1);
    remember(m_stderr_tail, line);
    if (m_config.verbose) progress("qemu: " + printable(line));
  }
  if (m_stderr_line.size() > TAIL_WIDTH) {
    remember(m_stderr_tail, m_stderr_line);
    m_stderr_line.clear();
  }
}

void ArchSession::tick(Clock::time_point now) {
  if (m_child.pid > 0 && !m_status) {
    m_status = try_reap(m_child.pid);
    if (m_status) m_reaped_at = now;
  }
  if (m_child.pid <= 0) return;
  if (!m_status && !m_term_sent && now >= m_deadline) {
    m_timed_out = true;
    std::string current = m_parser.current_test();
    if (current.empty()) {
      current = m_parser.started() ? "none (every planned test had reported)" : "unknown";
    }
    progress("TIMEOUT after " + format_seconds(m_config.setup.timeout_seconds) +
             " s: killed QEMU; last test started: " + printable(current) +
             "; console log: " + console_log().string());
    kill_child(SIGTERM);
  }
  if (!m_status && m_term_sent && !m_kill_sent && now >= m_kill_at) {
    signal_group(m_child.pid, SIGKILL);
    m_kill_sent = true;
  }
  // QEMU is gone but something it left behind still holds the pipes: do not wait for it.
  if (m_status && (m_child.stdout_fd >= 0 || m_child.stderr_fd >= 0) &&
      now >= m_reaped_at + KILL_GRACE) {
    signal_group(m_child.pid, SIGKILL);
    close_pipe(m_child.stdout_fd);
    close_pipe(m_child.stderr_fd);
  }
}

void ArchSession::abort(const std::string& reason) {
  if (m_status || m_term_sent || m_child.pid <= 0) return;
  m_aborted = true;
  m_abort_reason = reason;
  progress("stopping QEMU: " + reason);
  kill_child(SIGTERM);
}

void ArchSession::kill_child(int signal) {
  signal_group(m_child.pid, signal);
  m_term_sent = true;
  m_kill_at = Clock::now() + KILL_GRACE;
}

void ArchSession::saw_empty(int fd, Clock::time_point polled_at) {
  if (fd == m_child.stdout_fd) m_console_empty_at = std::max(m_console_empty_at, polled_at);
}

bool ArchSession::awaiting_clock_lines() const {
  return m_config.check_clock && m_child.stdout_fd >= 0 && m_clock.lines() < ClockCheck::LINES &&
         !m_planned_cases && !m_parser.started();
}

Clock::time_point ArchSession::next_deadline() const {
  if (m_status) return m_reaped_at + KILL_GRACE;
  if (m_term_sent) return m_kill_at;
  if (awaiting_clock_lines()) return std::min(m_deadline, Clock::now() + CLOCK_PROBE_INTERVAL);
  return m_deadline;
}

bool ArchSession::done() const {
  return m_started && m_status && m_child.stdout_fd < 0 && m_child.stderr_fd < 0;
}

void ArchSession::finish() {
  if (m_finished) return;
  m_finished = true;
  if (!m_started) {
    add_failure("qemu", "not_started", "the run was stopped before QEMU started", {});
    return;
  }
  m_demux->finish();
  if (!m_stderr_line.empty()) remember(m_stderr_tail, m_stderr_line);
  user_output(m_user_stdout, "", true, true);
  user_output(m_user_stderr, "", false, true);

  int status = m_status.value_or(0);
  bool spawned = m_child.pid > 0;
  std::string how = describe_wait_status(status);
  std::string why;
  if (m_timed_out) {
    why = "QEMU was killed at the " + format_seconds(m_config.setup.timeout_seconds) + " s timeout";
  } else if (m_aborted) {
    why = "QEMU was stopped: " + m_abort_reason;
  } else {
    why = "the console ended when QEMU exited (" + how + ")";
  }
  std::string current = m_parser.current_test();
  std::vector<std::string> context;
  if (!current.empty()) context.push_back("last test started: " + current);
  context.push_back("console log: " + console_log().string());
  for (const auto& line : m_stderr_tail) context.push_back("qemu stderr: " + line);
  for (const auto& line : m_console_tail) context.push_back("console: " + line);
  // An --exec console carries no KTAP: its verdict is the status line.
  if (spawned && m_config.exec_program.empty()) m_parser.finish(why, context);
  for (const auto& w : m_parser.warnings()) progress("warning: " + printable(w));
  if (m_parser.planned_nothing()) progress("no test matches '" + printable(filter()) + "'");
  size_t suppressed = m_parser.suppressed_warnings() + m_suppressed_warnings;
  if (suppressed > 0) {
    progress(std::to_string(suppressed) + " more warnings not shown (see the console log)");
  }

  bool accounted = any_synthesized_failure(m_parser.cases());
  bool clean_exit = WIFEXITED(status) && WEXITSTATUS(status) == 0;

  if (spawned && m_timed_out && !accounted) {
    add_failure("qemu", "timeout", why + " after all tests reported", context);
  } else if (spawned && m_aborted && !accounted) {
    add_failure("qemu", "aborted", why, context);
  } else if (spawned && !m_timed_out && !m_aborted && WIFSIGNALED(status) && !accounted) {
    add_failure("qemu", "crash", "QEMU was " + how, context);
  } else if (spawned && !m_timed_out && !m_aborted && !clean_exit && m_parser.complete() &&
             m_parser.tally().failed == 0) {
    std::string what = m_parser.planned_nothing() ? "no test ran" : "every test passed";
    add_failure("qemu", "exit_status",
                what + ", but QEMU ended with " + how +
                    " (the kernel's own verdict disagrees with its KTAP output)",
                context);
  }
  // The runner's own failure above already carries the tails; otherwise show them here.
  bool abnormal = m_timed_out || m_aborted || !clean_exit ||
                  (m_config.exec_program.empty() && !m_parser.complete());
  if (spawned && abnormal && m_extra.empty()) {
    for (const auto& line : m_stderr_tail) progress("qemu stderr: " + line);
    if (!m_console_tail.empty()) progress("last console lines:");
    for (const auto& line : m_console_tail) progress("  " + line);
  }
  // A kernel that announced a plan has printed its ~clock lines before it. A configuration in
  // which no test matched ("~plan 0", "1..0") counts nothing, the clock case included.
  if (spawned && m_config.check_clock && !m_parser.planned_nothing() && m_planned_cases != 0 &&
      (m_planned_cases || m_clock.lines() > 0)) {
    m_extra.push_back(m_clock.verdict());
    on_case(m_extra.back(), true);
  }
  m_seconds = std::chrono::duration<double>(Clock::now() - m_start).count();
  if (m_console != nullptr) std::fclose(m_console);
  if (m_stderr_log != nullptr) std::fclose(m_stderr_log);
  m_console = nullptr;
  m_stderr_log = nullptr;
}

void ArchSession::on_plan_line(std::string_view text) {
  int cases = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), cases);
  if (ec != std::errc() || ptr != text.data() + text.size() || cases < 0) {
    warn("malformed ~plan line ignored: " + printable(text, 100));
    return;
  }
  m_planned_cases = cases;
}

void ArchSession::on_case(CaseResult& result, bool runner_case) {
  auto now = Clock::now();
  result.seconds = std::chrono::duration<double>(now - m_last_result).count();
  m_last_result = now;
  if (!runner_case) ++m_reported_cases;
  if (m_config.listing && is_listed(result)) return;  // The list comes with the summary.
  if (!m_config.exec_program.empty() && !m_config.verbose) return;
  bool colour = m_output.colour();
  std::string verdict = result.outcome == Outcome::kFail ? "not ok" : "ok";
  if (colour)
    verdict = paint(verdict, result.outcome == Outcome::kFail ? Colour::kRed : Colour::kGreen);
  std::string line = verdict + " ";
  if (result.number != 0 && !result.synthesized) line += std::to_string(result.number) + " ";
  line += printable(full_name(result));
  if (result.outcome == Outcome::kSkip) {
    std::string skip = "# SKIP" + (result.message.empty() ? "" : " " + printable(result.message));
    line += " " + (colour ? paint(skip, Colour::kYellow) : skip);
  }
  if (result.synthesized && !result.message.empty()) line += " - " + printable(result.message);
  // "[arm64 41/62] ": how far the run is, by the kernel's ~plan.
  std::string count = std::to_string(m_reported_cases);
  if (m_planned_cases) count += "/" + std::to_string(*m_planned_cases);
  m_output.err((runner_case ? m_prefix : "[" + arch() + " " + count + "] ") + line + "\n");
  if (result.outcome == Outcome::kFail) {
    for (const auto& d : result.diagnostics) progress("    # " + printable(d));
  }
}

void ArchSession::on_artifact(const ArtifactOutcome& outcome) {
  if (outcome.ok) {
    m_saved_artifacts.push_back(outcome.path);
    progress("artifact " + outcome.name + ": " + std::to_string(outcome.size) + " bytes -> " +
             outcome.path.string());
    return;
  }
  add_failure("artifact", outcome.name, outcome.message,
              {"partial data: " + outcome.path.string()});
}

void ArchSession::add_failure(std::string suite, std::string name, std::string message,
                              std::vector<std::string> diagnostics) {
  m_extra.push_back(synthesized_failure(std::move(suite), std::move(name), std::move(message),
                                        std::move(diagnostics)));
  on_case(m_extra.back(), true);
}

void ArchSession::progress(const std::string& text) {
  if (!m_config.exec_program.empty() && !m_config.verbose) return;
  m_output.err(m_prefix + text + "\n");
}

std::string ArchSession::qemu_ending() const {
  if (m_child.pid <= 0) return "QEMU did not start";
  if (m_timed_out) return "QEMU was killed at the timeout";
  if (m_aborted) return "QEMU was stopped: " + m_abort_reason;
  return m_status ? "QEMU " + describe_wait_status(*m_status) : "";
}

void ArchSession::warn(const std::string& text) {
  if (m_live_warnings == MAX_LIVE_WARNINGS) {
    ++m_suppressed_warnings;
    return;
  }
  ++m_live_warnings;
  progress("warning: " + text);
}

void ArchSession::user_output(std::string& buffer, std::string_view bytes, bool to_stdout,
                              bool flush) {
  buffer.append(bytes);
  size_t end = buffer.size();
  if (!flush && buffer.size() <= MAX_USER_LINE) {
    size_t newline = buffer.rfind('\n');
    end = newline == std::string::npos ? 0 : newline + 1;
  }
  if (end == 0) return;
  std::string_view ready(buffer.data(), end);
  to_stdout ? m_output.out(ready) : m_output.err(ready);
  buffer.erase(0, end);
}

void ArchSession::close_pipe(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

void ArchSession::fail_no_match() {
  add_failure("filter", "no_match",
              "no test matches '" + filter() + "' in any configuration that ran",
              {"console log: " + console_log().string()});
}

ArchReport ArchSession::report() const {
  ArchReport report{arch(), m_parser.cases(), console_log().string()};
  report.cases.insert(report.cases.end(), m_extra.begin(), m_extra.end());
  return report;
}

Tally ArchSession::tally() const {
  Tally tally = m_parser.tally();
  for (const auto& c : m_extra) tally.add(c.outcome);
  return tally;
}

std::string ArchSession::summary() const {
  Tally t = tally();
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f s", m_seconds);
  std::string qemu = m_child.pid <= 0 ? "QEMU not started"
                     : m_timed_out    ? "QEMU killed at timeout"
                     : m_aborted      ? "QEMU stopped"
                                      : "QEMU " + describe_wait_status(m_status.value_or(0));
  std::string counts = matched_nothing() && t.failed == 0
                           ? "no test matches '" + printable(filter()) + "'"
                           : std::to_string(t.passed) + " passed, " + std::to_string(t.failed) +
                                 " failed, " + std::to_string(t.skipped) + " skipped";
  std::string text = arch() + ": " + counts + " (" + qemu + ", " + seconds +
                     "); console log: " + console_log().string() + "\n";
  size_t listed = 0;
  size_t failures = 0;
  auto list = [&](const std::vector<CaseResult>& cases) {
    for (const auto& c : cases) {
      if (c.outcome != Outcome::kFail) continue;
      ++failures;
      if (listed++ >= MAX_LISTED_FAILURES) continue;
      text += "  FAILED " + printable(full_name(c)) +
              (c.message.empty() ? "" : ": " + printable(c.message, 200)) + "\n";
    }
  };
  list(m_parser.cases());
  list(m_extra);
  if (failures > MAX_LISTED_FAILURES) {
    text += "  ... and " + std::to_string(failures - MAX_LISTED_FAILURES) + " more failures\n";
  }
  return text;
}

}  // namespace maplet::runner
