#pragma once

// One boot configuration's run: starts QEMU, saves its raw console and stderr, feeds the console
// through the demux into the KTAP parser and the artifact receiver, shows progress, enforces the
// timeout (SIGTERM, then SIGKILL two seconds later) and, at the end, turns everything that went
// wrong around the tests (timeout, crash, an exit status that contradicts the KTAP verdict) into
// failing cases. The runner drives it from its poll() loop.

#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tools/runner/artifact_receiver.h"
#include "tools/runner/clock_check.h"
#include "tools/runner/console_demux.h"
#include "tools/runner/junit_writer.h"
#include "tools/runner/ktap_parser.h"
#include "tools/runner/output.h"
#include "tools/runner/process.h"
#include "tools/runner/qemu.h"

namespace maplet::runner {

using Clock = std::chrono::steady_clock;

struct SessionConfig {
  ArchSetup setup;                      // setup.timeout_seconds 0: no timeout.
  std::filesystem::path artifacts_dir;  // This configuration's directory: <artifacts>/<name>.
  bool verbose = false;
  bool listing = false;     // --list: the kernel lists its cases.
  bool check_clock = true;  // Off for --list (no ~clock lines) and --gdb (a debugger stops time).
  // --exec: the program's name for messages. The session then shows nothing of its own on
  // stderr but with `verbose` (the console log keeps it all), keeps the "~status" line, and
  // says on stderr which unknown system calls the program made.
  std::string exec_program;
};

class ArchSession {
 public:
  static constexpr std::chrono::seconds KILL_GRACE{2};
  // How often the runner looks at the console pipe while the kernel's ~clock lines are due:
  // the finer, the sharper the clock check's bounds (clock_check.h).
  static constexpr std::chrono::milliseconds CLOCK_PROBE_INTERVAL{10};

  ArchSession(SessionConfig config, Output& output);
  ~ArchSession();
  ArchSession(const ArchSession&) = delete;
  ArchSession& operator=(const ArchSession&) = delete;

  // Opens the logs and starts QEMU. A failure to start is recorded as a failing case and the
  // session is then done.
  void start();

  // Pipe ends still open (-1 when closed), for poll().
  [[nodiscard]] int stdout_fd() const { return m_child.stdout_fd; }
  [[nodiscard]] int stderr_fd() const { return m_child.stderr_fd; }
  // Reads what is available on `fd` (one of the two above).
  void read_ready(int fd);
  // poll() found nothing to read on `fd`, having been called at `polled_at`: the pipe was empty
  // then (nothing else reads it), which the clock check needs to know.
  void saw_empty(int fd, Clock::time_point polled_at);
  // Timeout, reaping, and cleanup of pipes left open after QEMU exited.
  void tick(Clock::time_point now);
  // Stops QEMU early (the user pressed ^C).
  void abort(const std::string& reason);
  // The next time tick() has something to do.
  [[nodiscard]] Clock::time_point next_deadline() const;

  // QEMU has exited and both pipes are drained.
  [[nodiscard]] bool done() const;
  // Ends the parse and adds the failures; call once when done().
  void finish();

  // The configuration's name, which labels its lines, summary and JUnit suites.
  [[nodiscard]] const std::string& arch() const { return m_config.setup.name; }
  [[nodiscard]] const std::string& filter() const { return m_config.setup.filter; }
  [[nodiscard]] ArchReport report() const;
  [[nodiscard]] Tally tally() const;
  // The kernel had no test matching the filter ("1..0"): the configuration counts nothing.
  // Meaningful after finish().
  [[nodiscard]] bool matched_nothing() const { return m_parser.planned_nothing(); }
  // Adds the failure for a run in which no configuration matched anything.
  void fail_no_match();
  // The configuration's summary for stdout (several lines).
  [[nodiscard]] std::string summary() const;
  [[nodiscard]] std::filesystem::path console_log() const;
  // --exec: the last "~status" line's text, if one came; whether QEMU was killed at the
  // timeout; the artifacts (core files) saved.
  [[nodiscard]] const std::optional<std::string>& exec_status() const { return m_exec_status; }
  [[nodiscard]] bool timed_out() const { return m_timed_out; }
  [[nodiscard]] const std::vector<std::filesystem::path>& saved_artifacts() const {
    return m_saved_artifacts;
  }
  // How QEMU ended ("exited with status 0"), for messages; "" while it runs.
  [[nodiscard]] std::string qemu_ending() const;

 private:
  void on_console(std::string_view bytes);
  void on_qemu_stderr(std::string_view bytes);
  // `runner_case`: added by the session (not the parser), so not part of the kernel's plan.
  void on_case(CaseResult& result, bool runner_case = false);
  void on_artifact(const ArtifactOutcome& outcome);
  void add_failure(std::string suite, std::string name, std::string message,
                   std::vector<std::string> diagnostics);
  void on_plan_line(std::string_view text);
  void progress(const std::string& text);
  // A warning on stderr, rate-limited (the excess is counted and reported at the end).
  void warn(const std::string& text);
  void user_output(std::string& buffer, std::string_view bytes, bool to_stdout, bool flush);
  void close_pipe(int& fd);
  void kill_child(int signal);
  // The kernel's ~clock lines are still due: next_deadline() wakes the poll loop every
  // CLOCK_PROBE_INTERVAL.
  [[nodiscard]] bool awaiting_clock_lines() const;

  SessionConfig m_config;
  Output& m_output;
  std::string m_prefix;  // "[arm64] "
  FILE* m_console = nullptr;
  FILE* m_stderr_log = nullptr;
  std::unique_ptr<GuestRam> m_guest_ram;  // powerpc's RAM file; before m_artifacts, which uses it
  std::unique_ptr<ArtifactReceiver> m_artifacts;
  std::unique_ptr<ConsoleDemux> m_demux;
  KtapParser m_parser;
  ClockCheck m_clock;
  std::optional<std::string> m_exec_status;
  std::vector<std::filesystem::path> m_saved_artifacts;
  std::optional<int> m_planned_cases;  // From "~plan N".
  int m_reported_cases = 0;
  std::vector<CaseResult> m_extra;  // Artifact and runner failures.
  std::string m_user_stdout;
  std::string m_user_stderr;
  std::string m_stderr_line;
  std::deque<std::string> m_console_tail;
  std::deque<std::string> m_stderr_tail;
  size_t m_live_warnings = 0;
  size_t m_suppressed_warnings = 0;

  Child m_child;
  bool m_started = false;
  bool m_finished = false;
  std::optional<int> m_status;
  bool m_timed_out = false;
  bool m_aborted = false;
  std::string m_abort_reason;
  bool m_term_sent = false;
  bool m_kill_sent = false;
  Clock::time_point m_start;
  Clock::time_point m_deadline;
  Clock::time_point m_kill_at;
  Clock::time_point m_reaped_at;
  Clock::time_point m_last_result;
  // The last time the console pipe was known to be empty, and when the last read from it
  // returned: what the clock check knows of when a line reached the pipe.
  Clock::time_point m_console_empty_at;
  Clock::time_point m_console_read_at;
  double m_seconds = 0;
};

}  // namespace maplet::runner
