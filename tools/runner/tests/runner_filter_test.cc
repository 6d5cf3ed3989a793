// maplet-run with a filter that matches nothing in some configurations or in all of them: the
// kernel plans "1..0"; a configuration without a match counts nothing (not even the clock
// case), and only a run in which no configuration matched anything fails.

#include <gtest/gtest.h>

#include "tools/runner/tests/runner_fixture.h"

namespace maplet::runner {
namespace {

using test_support::read_file;
using test_support::RunnerTest;

TEST_F(RunnerTest, FilterMatchingNothingAnywhereFails) {
  use("arm64", "no_match.ktap");
  use("powerpc", "no_match.ktap");
  m_options.filter = "nomatch.*";
  m_options.junit = (m_dir / "junit.xml").string();
  EXPECT_EQ(run_it(), EXIT_FAIL);
  EXPECT_NE(m_output.stderr_text.find("[arm64] no test matches 'nomatch.*'\n"), std::string::npos)
      << m_output.stderr_text;
  EXPECT_NE(m_output.stdout_text.find("  FAILED filter.no_match: no test matches 'nomatch.*' in "
                                      "any configuration that ran\n"),
            std::string::npos)
      << m_output.stdout_text;
  EXPECT_EQ(m_output.stdout_text.find("disagrees"), std::string::npos) << m_output.stdout_text;
  EXPECT_EQ(last_stdout_line(), "maplet-run: 0 passed, 2 failed, 0 skipped\n");
  EXPECT_NE(read_file(m_dir / "junit.xml").find("<testsuite name=\"powerpc.filter\""),
            std::string::npos);
}

TEST_F(RunnerTest, ConfigurationWithoutAMatchCountsNothing) {
  use("powerpc", "no_match.ktap");
  m_options.filter = "nomatch.*";
  EXPECT_EQ(run_it(), EXIT_PASS) << m_output.stdout_text;
  EXPECT_NE(m_output.stdout_text.find("powerpc: no test matches 'nomatch.*' (QEMU exit status 0"),
            std::string::npos)
      << m_output.stdout_text;
  EXPECT_EQ(last_stdout_line(), "maplet-run: 4 passed, 0 failed, 0 skipped\n");
}

// A configuration without a match counts no clock case, whether its kernel printed ~clock lines
// or, as Maplet's does, skipped them after announcing "~plan 0".
TEST_F(RunnerTest, NoClockCaseWhereNothingMatched) {
  use("powerpc", "no_match_clock.console");
  m_options.filter = "nomatch.*";
  EXPECT_EQ(run_it(), EXIT_PASS) << m_output.stdout_text;
  EXPECT_EQ(m_output.stderr_text.find("clock.counter_matches_host_time"), std::string::npos)
      << m_output.stderr_text;
  EXPECT_NE(m_output.stdout_text.find("powerpc: no test matches 'nomatch.*' (QEMU exit status 0"),
            std::string::npos)
      << m_output.stdout_text;
  EXPECT_EQ(last_stdout_line(), "maplet-run: 4 passed, 0 failed, 0 skipped\n");
}

TEST_F(RunnerTest, NoClockCaseAfterAPlanOfNothing) {
  use("arm64", "plan_zero_crash.console");
  m_options.append = "fake.exit=1";
  EXPECT_EQ(run_it(), EXIT_FAIL);
  EXPECT_NE(m_output.stdout_text.find("FAILED ktap.no_output"), std::string::npos)
      << m_output.stdout_text;
  EXPECT_EQ(m_output.stderr_text.find("clock.counter_matches_host_time"), std::string::npos)
      << m_output.stderr_text;
}

// --failed after a run that matched nothing anywhere tries the same filter again, not a suite
// named "filter".
TEST_F(RunnerTest, NoMatchAnywhereRecordsTheFilterForFailed) {
  use("arm64", "no_match.ktap");
  m_options.filter = "nomatch.*";
  EXPECT_EQ(run_it(), EXIT_FAIL);
  EXPECT_EQ(read_file(m_dir / "artifacts" / "arm64" / "failed-tests.txt"), "nomatch.*\n");
}

// A listing that lists nothing anywhere fails the same way, and says so under the empty list.
TEST_F(RunnerTest, ListMatchingNothingFails) {
  use("arm64", "no_match.ktap");
  m_options.filter = "nomatch.*";
  m_options.list = true;
  EXPECT_EQ(run_it(), EXIT_FAIL);
  EXPECT_EQ(m_output.stdout_text,
            "arm64: 0 tests\n  FAILED filter.no_match: no test matches 'nomatch.*' in any "
            "configuration that ran\nmaplet-run: 0 tests listed in 1 configuration\n");
}

TEST_F(RunnerTest, NoMatchWithAFailingExitStatusStillDisagrees) {
  use("arm64", "no_match.ktap");
  m_options.filter = "nomatch.*";
  m_options.append = "fake.exit=1";
  EXPECT_EQ(run_it(), EXIT_FAIL);
  EXPECT_NE(m_output.stdout_text.find("FAILED qemu.exit_status: no test ran, but QEMU ended with "
                                      "exit status 1"),
            std::string::npos)
      << m_output.stdout_text;
}

}  // namespace
}  // namespace maplet::runner
