// maplet-run end to end, with tests/fake_qemu.sh standing in for QEMU: it
// prints a recorded transcript and then exits, crashes, or hangs as the kernel
// command line tells it.

#include "tools/runner/runner.h"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "tools/runner/tests/runner_fixture.h"

namespace maplet::runner {
namespace {

using test_support::read_file;
using test_support::RunnerTest;
using test_support::tests_dir;
using test_support::transcript;

TEST_F(RunnerTest, PassingRun) {
  m_options.filter = "format.*";
  EXPECT_EQ(run_it(), EXIT_PASS) << m_output.stderr_text;
  EXPECT_EQ(last_stdout_line(), "maplet-run: 4 passed, 0 failed, 0 skipped\n");
  // No ~plan line in this transcript: the count has no total.
  EXPECT_NE(m_output.stderr_text.find("[arm64 2] ok 2 format.width\n"), std::string::npos);
  EXPECT_NE(m_output.stdout_text.find("arm64: 4 passed, 0 failed, 0 skipped (QEMU exit status 0"),
            std::string::npos);
  EXPECT_EQ(artifact("arm64", "console.log"), transcript("pass.ktap"));
  EXPECT_NE(artifact("arm64", "qemu-stderr.log")
                .find("-append maplet.filter=format.* maplet.expect_mem=256M maplet.check_mm=1 "
                      "maplet.host_dir="),
            std::string::npos);
}

TEST_F(RunnerTest, BothArchesWithJunit) {
  use("powerpc", "fail_skip.ktap");
  m_options.junit = (m_dir / "junit.xml").string();
  EXPECT_EQ(run_it(), EXIT_FAIL);
  EXPECT_EQ(last_stdout_line(), "maplet-run: 6 passed, 1 failed, 1 skipped\n");
  EXPECT_NE(m_output.stderr_text.find("[powerpc 2] not ok 2 format.width\n"
                                      "[powerpc]     # EXPECT_EQ failed at "
                                      "kernel/test/tests/format.cc:42\n"),
            std::string::npos);
  EXPECT_NE(m_output.stdout_text.find("  FAILED format.width: EXPECT_EQ failed at"),
            std::string::npos);
  std::string xml = read_file(m_dir / "junit.xml");
  EXPECT_NE(xml.find("tests=\"8\" failures=\"1\" errors=\"0\" skipped=\"1\""), std::string::npos);
  EXPECT_NE(xml.find("<testsuite name=\"powerpc.format\""), std::string::npos);
  EXPECT_NE(xml.find("<testsuite name=\"arm64.trap\""), std::string::npos);
  EXPECT_EQ(artifact("powerpc", "console.log"), transcript("fail_skip.ktap"));
}

TEST_F(RunnerTest, OneJobAtATimeStillRunsEverything) {
  use("powerpc", "pass.ktap");
  m_options.jobs = 1;
  EXPECT_EQ(run_it(), EXIT_PASS) << m_output.stderr_text;
  EXPECT_EQ(last_stdout_line(), "maplet-run: 8 passed, 0 failed, 0 skipped\n");
}

TEST_F(RunnerTest, TimeoutKillsQemuThatIgnoresSigterm) {
  use("arm64", "crash_mid_suite.ktap");
  // Long enough for the fake QEMU to print its whole transcript on a loaded
  // host; the run returning at all shows the SIGKILL that followed the ignored
  // SIGTERM.
  m_options.timeout_seconds = 3;
  m_options.append = "fake.hang fake.ignore_term";
  m_options.junit = (m_dir / "junit.xml").string();
  EXPECT_EQ(run_it(), EXIT_FAIL);
  std::string log = (m_dir / "artifacts" / "arm64" / "console.log").string();
  EXPECT_NE(m_output.stderr_text.find("[arm64] TIMEOUT after 3 s: killed QEMU; last test "
                                      "started: mm.#4 (after mm.vma_merge); console log: " +
                                      log + "\n"),
            std::string::npos)
      << m_output.stderr_text;
  // mm.vma_merge, mm.#4, and the two top-level suites that never started (one
  // range).
  EXPECT_EQ(last_stdout_line(), "maplet-run: 2 passed, 3 failed, 0 skipped\n");
  EXPECT_EQ(artifact("arm64", "console.log"), transcript("crash_mid_suite.ktap"));
  std::string xml = read_file(m_dir / "junit.xml");
  EXPECT_NE(xml.find("QEMU was killed at the 3 s timeout"), std::string::npos);
  // The first test that never ran carries the console's last words for CI.
  EXPECT_NE(xml.find("console: *** MAPLET PANIC: Data Abort at EL1 ***"), std::string::npos);
}

TEST_F(RunnerTest, HangAfterTheLastResultIsOneFailure) {
  m_options.timeout_seconds = 3;  // the transcript is all printed by then, however loaded the host
  m_options.append = "fake.hang";
  EXPECT_EQ(run_it(), EXIT_FAIL);
  EXPECT_NE(m_output.stderr_text.find("last test started: none (every planned test had "
                                      "reported)"),
            std::string::npos);
  EXPECT_NE(m_output.stdout_text.find("FAILED qemu.timeout"), std::string::npos);
  EXPECT_EQ(last_stdout_line(), "maplet-run: 4 passed, 1 failed, 0 skipped\n");
}

TEST_F(RunnerTest, NonZeroExitDespiteAllPassingIsAFailure) {
  m_options.append = "fake.exit=3";
  EXPECT_EQ(run_it(), EXIT_FAIL);
  EXPECT_NE(m_output.stdout_text.find("FAILED qemu.exit_status: every test passed, but QEMU "
                                      "ended with exit status 3"),
            std::string::npos);
  EXPECT_EQ(last_stdout_line(), "maplet-run: 4 passed, 1 failed, 0 skipped\n");
}

TEST_F(RunnerTest, NonZeroExitMatchingAFailureAddsNothing) {
  use("arm64", "fail_skip.ktap");
  m_options.append = "fake.exit=1";
  EXPECT_EQ(run_it(), EXIT_FAIL);
  EXPECT_EQ(last_stdout_line(), "maplet-run: 2 passed, 1 failed, 1 skipped\n");
}

TEST_F(RunnerTest, QemuKilledBySignal) {
  m_options.append = "fake.signal";
  EXPECT_EQ(run_it(), EXIT_FAIL);
  EXPECT_NE(m_output.stdout_text.find("FAILED qemu.crash: QEMU was killed by signal 11"),
            std::string::npos);
  EXPECT_EQ(last_stdout_line(), "maplet-run: 4 passed, 1 failed, 0 skipped\n");
}

TEST_F(RunnerTest, NoKtapOutput) {
  use("arm64", "no_ktap.txt");
  m_options.append = "fake.exit=1";
  EXPECT_EQ(run_it(), EXIT_FAIL);
  EXPECT_EQ(last_stdout_line(), "maplet-run: 0 passed, 1 failed, 0 skipped\n");
  EXPECT_NE(m_output.stderr_text.find("last console lines:"), std::string::npos);
}

TEST_F(RunnerTest, UserOutputAndCoreFiles) {
  use("arm64", "user_output_core.console");
  EXPECT_EQ(run_it(), EXIT_FAIL);
  EXPECT_EQ(m_output.stdout_text.rfind("hello from user\nsecond line\n", 0), 0u);
  EXPECT_NE(m_output.stderr_text.find(std::string("warning: \0binary\xff\n", 18)),
            std::string::npos);
  EXPECT_EQ(artifact("arm64", "core.init").size(), 1000u);
  EXPECT_NE(m_output.stdout_text.find("FAILED artifact.core.bad: CRC-32 mismatch"),
            std::string::npos);
  EXPECT_EQ(last_stdout_line(), "maplet-run: 2 passed, 1 failed, 0 skipped\n");
}

TEST_F(RunnerTest, ParallelUserOutputStaysWholeLines) {
  use("arm64", "user_output_core.console");
  use("powerpc", "user_output_core.console");
  EXPECT_EQ(run_it(), EXIT_FAIL);
  // Each arch sends "second " and "line\n" as separate chunks; buffering keeps
  // them together.
  const std::string& out = m_output.stdout_text;
  size_t first = out.find("second line\n");
  ASSERT_NE(first, std::string::npos) << out;
  EXPECT_NE(out.find("second line\n", first + 1), std::string::npos) << out;
  EXPECT_EQ(out.find("second second"), std::string::npos);
  EXPECT_EQ(artifact("powerpc", "core.init"), artifact("arm64", "core.init"));
  EXPECT_EQ(last_stdout_line(), "maplet-run: 4 passed, 2 failed, 0 skipped\n");
}

TEST_F(RunnerTest, MissingKernelIsASetupError) {
  m_options.kernel["arm64"] = (m_dir / "nope.bin").string();
  EXPECT_EQ(run_it(), EXIT_SETUP);
  EXPECT_NE(m_output.stderr_text.find("kernel image " + (m_dir / "nope.bin").string() +
                                      " for arm64 not found"),
            std::string::npos);
  EXPECT_EQ(m_output.stdout_text, "");
}

TEST_F(RunnerTest, MissingQemuIsASetupError) {
  m_options.qemu_binary["arm64"] = "qemu-system-nonexistent";
  EXPECT_EQ(run_it(), EXIT_SETUP);
  EXPECT_NE(m_output.stderr_text.find("qemu-system-nonexistent not found"), std::string::npos);
}

TEST_F(RunnerTest, OldQemuIsASetupError) {
  m_options.qemu_binary["arm64"] = (tests_dir() / "fake_qemu_old.sh").string();
  EXPECT_EQ(run_it(), EXIT_SETUP);
  EXPECT_NE(m_output.stderr_text.find("QEMU 7.2.15"), std::string::npos);
}

// Keeps what the runner prints and sets `seen` once stderr holds `line`: given
// to run() as its stop request, the request arrives while QEMU runs however
// fast or slow the host is.
class StopAtLine final : public Output {
 public:
  explicit StopAtLine(std::string line) : m_line(std::move(line)) {}
  std::string stdout_text;
  std::string stderr_text;
  std::atomic<bool> seen{false};

 protected:
  void write_out(std::string_view bytes) override { stdout_text += bytes; }
  void write_err(std::string_view bytes) override {
    stderr_text += bytes;
    if (stderr_text.find(m_line) != std::string::npos) seen = true;
  }

 private:
  std::string m_line;
};

TEST_F(RunnerTest, StopRequestEndsTheRun) {
  m_options.append = "fake.hang";
  // The transcript's last case: QEMU has printed it all and now hangs (the
  // fixture's 20 s timeout only catches a stop that is never acted on).
  StopAtLine output("trap.undefined_instruction\n");
  int status = run(m_options, output, &output.seen);
  EXPECT_EQ(status, EXIT_FAIL);
  EXPECT_TRUE(output.seen.load()) << output.stderr_text;
  EXPECT_NE(output.stderr_text.find("[arm64] stopping QEMU: interrupted"), std::string::npos)
      << output.stderr_text;
  EXPECT_NE(output.stdout_text.find("FAILED qemu.aborted"), std::string::npos)
      << output.stdout_text;
  EXPECT_EQ(output.stderr_text.find("TIMEOUT"), std::string::npos) << output.stderr_text;
}

TEST_F(RunnerTest, EachConfigurationRunsAndCountsSeparately) {
  m_options.configs = {"arm64", "arm64-1280M"};
  m_options.junit = (m_dir / "junit.xml").string();
  EXPECT_EQ(run_it(), EXIT_PASS) << m_output.stderr_text;
  EXPECT_EQ(m_output.stdout_text.rfind("arm64: 4 passed, 0 failed, 0 skipped (", 0), 0u)
      << m_output.stdout_text;
  EXPECT_NE(m_output.stdout_text.find("\narm64-1280M: 4 passed, 0 failed, 0 skipped ("),
            std::string::npos);
  EXPECT_NE(m_output.stderr_text.find("[arm64-1280M 2] ok 2 format.width\n"), std::string::npos);
  EXPECT_NE(m_output.stdout_text.find("maplet-run: 2 configurations in "), std::string::npos);
  EXPECT_NE(m_output.stdout_text.find(" s (each case counted once per configuration it ran in)\n"),
            std::string::npos);
  EXPECT_EQ(last_stdout_line(), "maplet-run: 8 passed, 0 failed, 0 skipped\n");
  std::string args = artifact("arm64-1280M", "qemu-stderr.log");
  EXPECT_NE(args.find(" -m 1280M "), std::string::npos) << args;
  EXPECT_NE(args.find("maplet.expect_mem=1280M"), std::string::npos) << args;
  EXPECT_NE(artifact("arm64", "qemu-stderr.log").find(" -M virt,mte=on -cpu max -m 256M "),
            std::string::npos);
  EXPECT_NE(read_file(m_dir / "junit.xml").find("<testsuite name=\"arm64-1280M.format\""),
            std::string::npos);
}

TEST_F(RunnerTest, MemoryOptionReachesQemuAndKernel) {
  m_options.memory = "768M";
  EXPECT_EQ(run_it(), EXIT_PASS) << m_output.stderr_text;
  std::string args = artifact("arm64", "qemu-stderr.log");
  EXPECT_NE(args.find(" -m 768M "), std::string::npos) << args;
  EXPECT_NE(args.find("maplet.expect_mem=768M"), std::string::npos) << args;
}

TEST_F(RunnerTest, MalformedTableIsASetupError) {
  auto table = m_dir / "bad.cfg";
  std::ofstream(table) << "[arm64]\narch = arm64\nmachine virt\n";
  m_options.config_file = table.string();
  EXPECT_EQ(run_it(), EXIT_SETUP);
  EXPECT_EQ(m_output.stderr_text,
            "maplet-run: " + table.string() + ":3: expected KEY = VALUE or [NAME]\n");
  EXPECT_EQ(m_output.stdout_text, "");
}

TEST_F(RunnerTest, UnknownConfigurationIsASetupError) {
  m_options.configs = {"arm64-nope"};
  EXPECT_EQ(run_it(), EXIT_SETUP);
  EXPECT_NE(m_output.stderr_text.find("unknown configuration 'arm64-nope' (known: arm64, "),
            std::string::npos)
      << m_output.stderr_text;
}

TEST_F(RunnerTest, ProgressCountsAgainstThePlanAndClockMatches) {
  use("arm64", "clock_plan.console");
  EXPECT_EQ(run_it(), EXIT_PASS) << m_output.stderr_text;
  EXPECT_NE(m_output.stderr_text.find("[arm64 3/4] ok 3 format.hex\n"), std::string::npos)
      << m_output.stderr_text;
  // The fake's counter is the host's clock in microseconds; the wait is half a second or more.
  EXPECT_NE(m_output.stderr_text.find("[arm64] ok clock.counter_matches_host_time - guest "
                                      "counter "),
            std::string::npos)
      << m_output.stderr_text;
  EXPECT_NE(m_output.stderr_text.find(" ticks at 1000000 Hz), host clock "), std::string::npos)
      << m_output.stderr_text;
  EXPECT_EQ(last_stdout_line(), "maplet-run: 5 passed, 0 failed, 0 skipped\n");
}

// The clock check's passing case is no reason to hide the console's last words
// after a crash.
TEST_F(RunnerTest, CrashAfterTheClockCheckStillShowsTheConsoleTail) {
  use("arm64", "clock_crash.console");
  m_options.append = "fake.exit=1";
  EXPECT_EQ(run_it(), EXIT_FAIL);
  EXPECT_NE(m_output.stderr_text.find("last console lines:"), std::string::npos)
      << m_output.stderr_text;
  EXPECT_NE(m_output.stderr_text.find("[arm64] ok clock.counter_matches_host_time"),
            std::string::npos);
}

TEST_F(RunnerTest, CounterRunningFasterThanTheHostFails) {
  use("arm64", "clock_too_fast.console");
  EXPECT_EQ(run_it(), EXIT_FAIL);
  EXPECT_NE(m_output.stdout_text.find("FAILED clock.counter_matches_host_time: the counter "
                                      "disagrees with the host's clock by more than 2x: guest "
                                      "counter "),
            std::string::npos)
      << m_output.stdout_text;
  EXPECT_EQ(last_stdout_line(), "maplet-run: 4 passed, 1 failed, 0 skipped\n");
}

// The runner looks at the console pipe while the kernel waits: the wait's 2.5 s of host time
// are seen to pass between the second and the third line, 20x the counter's 0.125 s.
TEST_F(RunnerTest, CounterRunningSlowerThanTheHostFails) {
  use("arm64", "clock_too_slow.console");
  EXPECT_EQ(run_it(), EXIT_FAIL);
  EXPECT_NE(m_output.stdout_text.find("FAILED clock.counter_matches_host_time: the counter "
                                      "disagrees with the host's clock by more than 2x: guest "
                                      "counter 0."),
            std::string::npos)
      << m_output.stdout_text;
  EXPECT_EQ(last_stdout_line(), "maplet-run: 4 passed, 1 failed, 0 skipped\n");
}

TEST_F(RunnerTest, MissingClockLinesFail) {
  use("arm64", "clock_missing.console");
  EXPECT_EQ(run_it(), EXIT_FAIL);
  EXPECT_NE(m_output.stdout_text.find("FAILED clock.counter_matches_host_time: the kernel "
                                      "printed 0 ~clock lines"),
            std::string::npos)
      << m_output.stdout_text;
}

TEST_F(RunnerTest, ListPrintsTheTestsWithoutResults) {
  use("arm64", "list.ktap");
  m_options.list = true;
  EXPECT_EQ(run_it(), EXIT_PASS) << m_output.stderr_text;
  EXPECT_EQ(m_output.stdout_text,
            "arm64: 3 tests\n  format.decimal\n  format.width\n  "
            "trap.undefined_instruction\n"
            "maplet-run: 3 tests listed in 1 configuration\n");
  EXPECT_EQ(m_output.stderr_text.find("SKIP listed"), std::string::npos) << m_output.stderr_text;
  EXPECT_NE(artifact("arm64", "qemu-stderr.log").find("maplet.list=1"), std::string::npos);
  // A listing is no run: it leaves the record of the last run's failures alone.
  EXPECT_FALSE(std::filesystem::exists(m_dir / "artifacts" / "arm64" / "failed-tests.txt"));
}

TEST_F(RunnerTest, FailedRerunsOnlyWhatFailed) {
  use("powerpc", "fail_skip.ktap");
  EXPECT_EQ(run_it(), EXIT_FAIL);
  EXPECT_EQ(artifact("arm64", "failed-tests.txt"), "");
  EXPECT_EQ(artifact("powerpc", "failed-tests.txt"), "format.width\n");
  m_output = StringOutput();
  m_options.failed = true;
  EXPECT_EQ(run_it(), EXIT_FAIL);
  EXPECT_NE(m_output.stderr_text.find("maplet-run: arm64: nothing failed last time\n"),
            std::string::npos)
      << m_output.stderr_text;
  EXPECT_EQ(m_output.stdout_text.rfind("powerpc: 2 passed, 1 failed, 1 skipped", 0), 0u)
      << m_output.stdout_text;
  EXPECT_EQ(m_output.stdout_text.find("arm64:"), std::string::npos);
  EXPECT_NE(artifact("powerpc", "qemu-stderr.log").find("-append maplet.filter=format.width "),
            std::string::npos);
  EXPECT_NE(m_output.stdout_text.find("maplet-run: 1 configuration in "), std::string::npos);
}

TEST_F(RunnerTest, FailedAfterAPassingRunHasNothingToRun) {
  EXPECT_EQ(run_it(), EXIT_PASS) << m_output.stderr_text;
  m_output = StringOutput();
  m_options.failed = true;
  EXPECT_EQ(run_it(), EXIT_PASS);
  EXPECT_EQ(m_output.stderr_text, "maplet-run: arm64: nothing failed last time\n");
  EXPECT_EQ(m_output.stdout_text, "maplet-run: nothing to run\n");
}

TEST_F(RunnerTest, FailedRecordsTheWholeFilterWhenQemuCrashed) {
  m_options.filter = "format.*";
  m_options.append = "fake.signal";
  EXPECT_EQ(run_it(), EXIT_FAIL);
  EXPECT_EQ(artifact("arm64", "failed-tests.txt"), "format.*\n");
}

TEST_F(RunnerTest, FailedWithoutAnEarlierRunIsASetupError) {
  m_options.failed = true;
  EXPECT_EQ(run_it(), EXIT_SETUP);
  EXPECT_NE(m_output.stderr_text.find("--failed: no earlier run recorded under"), std::string::npos)
      << m_output.stderr_text;
}

TEST_F(RunnerTest, GdbNeedsOneConfiguration) {
  use("powerpc", "pass.ktap");
  m_options.gdb = true;
  EXPECT_EQ(run_it(), EXIT_SETUP);
  EXPECT_NE(m_output.stderr_text.find("--gdb needs exactly one configuration (2 selected)"),
            std::string::npos)
      << m_output.stderr_text;
}

TEST_F(RunnerTest, GdbWaitsWithoutTimeoutAndPrintsTheCommand) {
  use("arm64", "clock_missing.console");  // A debugger may stop the clock: no
                                          // clock check.
  m_options.gdb = true;
  m_options.timeout_seconds = 0.2;  // Ignored: a debugging session has no timeout.
  m_options.append = "fake.hang";
  // The stop comes 1.5 s (far past the timeout) after QEMU has printed its
  // transcript; the 60 s wait for that line only catches a run that never gets
  // there.
  StopAtLine output("trap.undefined_instruction\n");
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    for (int i = 0; i < 6000 && !output.seen; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    stop = true;
  });
  int status = run(m_options, output, &stop);
  stopper.join();
  EXPECT_EQ(status, EXIT_FAIL);
  EXPECT_TRUE(output.seen.load()) << output.stderr_text;
  EXPECT_NE(output.stderr_text.find("[arm64] QEMU waits for the debugger (no timeout); attach "
                                    "with: gdb-multiarch " +
                                    m_options.kernel["arm64"] + " -ex 'target remote :1234'\n"),
            std::string::npos)
      << output.stderr_text;
  EXPECT_EQ(output.stderr_text.find("TIMEOUT"), std::string::npos) << output.stderr_text;
  EXPECT_NE(output.stdout_text.find("FAILED qemu.aborted"), std::string::npos);
  EXPECT_EQ(output.stdout_text.find("clock."), std::string::npos) << output.stdout_text;
  EXPECT_NE(artifact("arm64", "qemu-stderr.log").find(" -s -S"), std::string::npos);
}

TEST_F(RunnerTest, VerboseCommandLineIsShellQuoted) {
  m_options.verbose = true;
  m_options.append = "fake.exit=0";
  EXPECT_EQ(run_it(), EXIT_PASS) << m_output.stderr_text;
  EXPECT_NE(m_output.stderr_text.find(" -kernel " + m_options.kernel["arm64"] +
                                      " -append 'maplet.filter=* maplet.expect_mem=256M "
                                      "maplet.check_mm=1 fake.exit=0 maplet.host_dir="),
            std::string::npos)
      << m_output.stderr_text;
}

TEST_F(RunnerTest, ColourOnlyWhenTheOutputWantsIt) {
  use("arm64", "fail_skip.ktap");
  EXPECT_EQ(run_it(), EXIT_FAIL);
  EXPECT_EQ(m_output.stderr_text.find('\033'), std::string::npos);
  m_output = StringOutput();
  m_output.set_colour(true);
  EXPECT_EQ(run_it(), EXIT_FAIL);
  EXPECT_NE(m_output.stderr_text.find("[arm64 1] \033[32mok\033[0m 1 format.decimal\n"),
            std::string::npos)
      << m_output.stderr_text;
  EXPECT_NE(m_output.stderr_text.find("\033[31mnot ok\033[0m 2 format.width\n"), std::string::npos);
  EXPECT_NE(m_output.stderr_text.find("\033[33m# SKIP needs MTE\033[0m\n"), std::string::npos);
}

}  // namespace
}  // namespace maplet::runner
