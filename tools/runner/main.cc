// maplet-run: boots the Maplet test kernels under QEMU and reports their KTAP results.
// See tools/runner/README.md.

#include <signal.h>

#include <atomic>
#include <span>

#include "tools/runner/options.h"
#include "tools/runner/output.h"
#include "tools/runner/runner.h"

namespace {

std::atomic<bool> g_stop{false};

void request_stop(int) { g_stop.store(true); }

}  // namespace

int main(int argc, char** argv) {
  using namespace maplet::runner;
  StdOutput output;
  auto parsed = parse_options(std::span<const char* const>(argv + 1, argc - 1));
  if (!parsed.options) {
    output.err("maplet-run: " + parsed.error + "\n" + usage_text());
    return EXIT_SETUP;
  }
  if (parsed.options->help) {
    output.out(usage_text());
    return EXIT_PASS;
  }
  // ^C or a CI cancel stops the QEMUs (they run in their own process groups) and still
  // writes the summary and the logs.
  struct sigaction action = {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return run(*parsed.options, output, &g_stop);
}
