#include "tools/runner/runner.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <system_error>
#include <vector>

#include "tools/runner/arch_session.h"
#include "tools/runner/artifacts_lock.h"
#include "tools/runner/atomic_file.h"
#include "tools/runner/failure_record.h"
#include "tools/runner/junit_writer.h"
#include "tools/runner/listing.h"
#include "tools/runner/qemu.h"
#include "tools/runner/run_plan.h"

namespace maplet::runner {
namespace {

// poll() sleeps at most this long, so a stop request is noticed quickly.
constexpr int MAX_POLL_MS = 200;

// Returns "" when everything needed to start is present, else the reasons, one per line.
std::string check_setup(const std::vector<ArchSetup>& setups) {
  std::string problems;
  for (const auto& setup : setups) {
    std::string qemu = check_qemu(setup);
    if (!qemu.empty()) problems += qemu + "\n";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(setup.kernel, ec)) {
      problems += "kernel image " + setup.kernel + " for " + setup.arch +
                  " not found (build it with `make kernels`, or pass --kernel-" + setup.arch +
                  " PATH)\n";
    }
  }
  return problems;
}

// Creates each configuration's artifacts directory; returns "" or the reasons, one per line.
std::string make_config_dirs(const std::string& artifacts, const std::vector<ArchSetup>& setups) {
  std::string problems;
  for (const auto& setup : setups) {
    auto dir = std::filesystem::path(artifacts) / setup.name;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) problems += "cannot create " + dir.string() + ": " + ec.message() + "\n";
  }
  return problems;
}

}  // namespace

int run(const Options& options, Output& output, const std::atomic<bool>* stop) {
  auto run_start = Clock::now();
  // One lock on the top directory covers every configuration's subdirectory, and it is taken
  // before --failed reads their records, so a concurrent run cannot rewrite them underneath.
  std::string error;
  auto lock = ArtifactsLock::acquire(options.artifacts, &error);
  if (!lock) {
    output.err("maplet-run: cannot start: " + error + "\n");
    return EXIT_SETUP;
  }
  RunPlan plan = plan_runs(options);
  if (!plan.error.empty()) {
    output.err("maplet-run: " + plan.error + "\n");
    return EXIT_SETUP;
  }
  for (const auto& note : plan.notes) output.err("maplet-run: " + note + "\n");
  if (plan.setups.empty()) {
    output.out("maplet-run: nothing to run\n");
    return EXIT_PASS;
  }
  std::vector<ArchSetup>& setups = plan.setups;
  std::string problems = check_setup(setups);
  if (!problems.empty()) {
    output.err("maplet-run: cannot start:\n" + problems);
    return EXIT_SETUP;
  }
  problems = make_config_dirs(options.artifacts, setups);
  if (!options.junit.empty()) {
    // Fail now rather than after minutes of tests. The file itself is only replaced at the end.
    std::string junit = prepare_output_file(options.junit);
    if (!junit.empty())
      problems += "cannot write the JUnit file " + options.junit + ": " + junit + "\n";
  }
  if (!problems.empty()) {
    output.err("maplet-run: cannot start:\n" + problems);
    return EXIT_SETUP;
  }

  std::vector<std::unique_ptr<ArchSession>> sessions;
  for (auto& setup : setups) {
    SessionConfig config{setup, std::filesystem::path(options.artifacts) / setup.name,
                         options.verbose, options.list, !options.list && !options.gdb};
    if (options.gdb) {
      output.err("[" + setup.name + "] QEMU waits for the debugger (no timeout); attach with: " +
                 gdb_command(setup) + "\n");
    }
    sessions.push_back(std::make_unique<ArchSession>(std::move(config), output));
  }

  size_t jobs = options.jobs > 0 ? static_cast<size_t>(options.jobs) : sessions.size();
  size_t next = 0;
  std::vector<ArchSession*> active;
  bool stopping = false;
  while (true) {
    if (!stopping && stop != nullptr && stop->load()) {
      stopping = true;
      for (ArchSession* s : active) s->abort("interrupted");
    }
    while (!stopping && active.size() < jobs && next < sessions.size()) {
      ArchSession* s = sessions[next++].get();
      s->start();
      active.push_back(s);
    }
    auto now = Clock::now();
    for (ArchSession* s : active) s->tick(now);
    for (auto it = active.begin(); it != active.end();) {
      if ((*it)->done()) {
        (*it)->finish();
        it = active.erase(it);
      } else {
        ++it;
      }
    }
    if (active.empty() && (stopping || next >= sessions.size())) break;

    std::vector<pollfd> fds;
    std::vector<ArchSession*> owners;
    auto wake = Clock::now() + std::chrono::milliseconds(MAX_POLL_MS);
    for (ArchSession* s : active) {
      for (int fd : {s->stdout_fd(), s->stderr_fd()}) {
        if (fd < 0) continue;
        fds.push_back(pollfd{fd, POLLIN, 0});
        owners.push_back(s);
      }
      wake = std::min(wake, s->next_deadline());
    }
    // Reaping has no file descriptor to wait on, so exited children are noticed by polling.
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(wake - Clock::now());
    int timeout_ms = static_cast<int>(std::clamp<long long>(wait.count() + 1, 1, MAX_POLL_MS));
    bool all_pipes_closed = fds.empty();
    if (all_pipes_closed) timeout_ms = std::min(timeout_ms, 10);
    int rc = poll(fds.data(), fds.size(), timeout_ms);
    if (rc < 0 && errno != EINTR) break;
    for (size_t i = 0; rc > 0 && i < fds.size(); ++i) {
      if (fds[i].revents != 0) owners[i]->read_ready(fds[i].fd);
    }
  }
  for (auto& s : sessions) {
    if (!s->done()) s->finish();  // Never started because of a stop request.
  }

  // A filter may name the tests of some configurations only: one without a match counts
  // nothing, but a run in which no configuration matched anything has run nothing and fails.
  bool matched_nothing =
      !stopping && std::all_of(sessions.begin(), sessions.end(),
                               [](const auto& s) { return s->matched_nothing(); });
  if (matched_nothing) {
    for (auto& s : sessions) s->fail_no_match();
  }
  Tally total;
  std::vector<ArchReport> reports;
  int listed = 0;
  output.finish_out_line();
  for (auto& s : sessions) {
    reports.push_back(s->report());
    output.out(options.list ? listing_text(reports.back(), &listed) : s->summary());
    total.add(s->tally());
    if (!options.list) {
      auto dir = std::filesystem::path(options.artifacts) / s->arch();
      std::string why = write_failure_record(dir, failure_globs(reports.back().cases, s->filter()));
      if (!why.empty()) output.err("maplet-run: " + why + "\n");
    }
  }
  int status = total.failed == 0 && !stopping ? EXIT_PASS : EXIT_FAIL;
  if (!options.junit.empty()) {
    std::string failed =
        write_file_atomically(options.junit, [&](std::ostream& out) { write_junit(out, reports); });
    if (!failed.empty()) {
      output.err("maplet-run: writing the JUnit file failed: " + failed + "\n");
      status = EXIT_FAIL;
    }
  }
  char elapsed[64];
  std::snprintf(elapsed, sizeof elapsed, "%.1f s",
                std::chrono::duration<double>(Clock::now() - run_start).count());
  std::string configs = std::to_string(sessions.size()) +
                        (sessions.size() == 1 ? " configuration" : " configurations");
  if (options.list) {
    output.out("maplet-run: " + std::to_string(listed) + " tests listed in " + configs + "\n");
    return status;
  }
  output.out("maplet-run: " + configs + " in " + elapsed +
             " (each case counted once per configuration it ran in)\n");
  output.out("maplet-run: " + std::to_string(total.passed) + " passed, " +
             std::to_string(total.failed) + " failed, " + std::to_string(total.skipped) +
             " skipped\n");
  return status;
}

}  // namespace maplet::runner
