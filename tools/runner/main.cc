// maplet-run: boots the Maplet test kernels under QEMU and reports their KTAP results.
// See tools/runner/README.md.

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <atomic>
#include <span>

#include "tools/runner/exec_run.h"
#include "tools/runner/options.h"
#include "tools/runner/output.h"
#include "tools/runner/process.h"
#include "tools/runner/runner.h"

namespace {

std::atomic<bool> g_stop{false};

// Signals whose default action ends the process without a core dump: a closed terminal or ssh
// session (SIGHUP), ^C, ^\, a CI cancel, a closed output pipe, timers and limits, and the
// real-time signals. The first one stops the run: QEMU gets SIGTERM, the summary and the JUnit
// file are still written. A second one kills every QEMU at once.
constexpr int STOP_SIGNALS[] = {SIGHUP,    SIGINT,  SIGQUIT, SIGTERM, SIGPIPE,
                                SIGUSR1,   SIGUSR2, SIGALRM, SIGXCPU, SIGXFSZ,
                                SIGVTALRM, SIGPROF, SIGIO,   SIGPWR,  SIGSTKFLT};
// Signals of a runner crash: the children are killed before the runner dies as it would have.
constexpr int CRASH_SIGNALS[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS};

void write_stderr(const char* text) {
  ssize_t ignored = write(STDERR_FILENO, text, strlen(text));
  (void)ignored;  // The terminal may be gone (SIGHUP): there is nowhere else to say it.
}

void on_stop_signal(int signal) {
  if (g_stop.exchange(true)) {
    maplet::runner::kill_all_children(SIGKILL);
    return;
  }
  const char* name = sigabbrev_np(signal);
  write_stderr("maplet-run: SIG");
  write_stderr(name != nullptr ? name : "?");
  write_stderr(" received: stopping QEMU (again to kill it at once)\n");
}

void on_crash_signal(int signal) {
  maplet::runner::kill_all_children(SIGKILL);
  // SA_RESETHAND restored the default action: re-raise to die of the same signal.
  raise(signal);
}

void install(int signal, void (*handler)(int), int flags) {
  struct sigaction action = {};
  action.sa_handler = handler;
  action.sa_flags = flags;
  sigemptyset(&action.sa_mask);
  sigaction(signal, &action, nullptr);
}

void install_signal_handlers() {
  for (int signal : STOP_SIGNALS) install(signal, on_stop_signal, SA_RESTART);
  for (int signal = SIGRTMIN; signal <= SIGRTMAX; ++signal) {
    install(signal, on_stop_signal, SA_RESTART);
  }
  for (int signal : CRASH_SIGNALS) install(signal, on_crash_signal, SA_RESETHAND | SA_NODEFER);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace maplet::runner;
  install_signal_handlers();
  StdOutput output;
  auto parsed = parse_options(std::span<const char* const>(argv + 1, argc - 1));
  if (!parsed.options) {
    if (parsed.exec) {
      output.err("maplet-run: " + parsed.error + " (maplet-run --help shows the options)\n");
      return EXEC_RUNNER_ERROR;
    }
    output.err("maplet-run: " + parsed.error + "\n" + usage_text());
    return EXIT_SETUP;
  }
  if (parsed.options->help) {
    output.out(usage_text());
    return EXIT_PASS;
  }
  if (!parsed.options->exec.empty()) return run_exec(*parsed.options, output, &g_stop);
  return run(*parsed.options, output, &g_stop);
}
