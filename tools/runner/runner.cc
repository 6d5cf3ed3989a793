#include "tools/runner/runner.h"

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
#include "tools/runner/session_loop.h"

namespace maplet::runner {
namespace {

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
    SessionConfig config{setup,
                         std::filesystem::path(options.artifacts) / setup.name,
                         options.verbose,
                         options.list,
                         !options.list && !options.gdb,
                         ""};
    if (options.gdb) {
      output.err("[" + setup.name + "] QEMU waits for the debugger (no timeout); attach with: " +
                 gdb_command(setup) + "\n");
    }
    sessions.push_back(std::make_unique<ArchSession>(std::move(config), output));
  }

  size_t jobs = options.jobs > 0 ? static_cast<size_t>(options.jobs) : sessions.size();
  const bool stopping = drive_sessions(sessions, jobs, stop);

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
