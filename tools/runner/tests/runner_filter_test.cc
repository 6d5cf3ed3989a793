// maplet-run with a filter that matches nothing on some arch or on all of them: the kernel plans
// "1..0"; an arch without a match counts nothing, and only a run in which no arch matched
// anything fails.

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
  EXPECT_NE(m_output.stdout_text.find("  FAILED filter.no_match: no test matches 'nomatch.*' on "
                                      "any arch that ran\n"),
            std::string::npos)
      << m_output.stdout_text;
  EXPECT_EQ(m_output.stdout_text.find("disagrees"), std::string::npos) << m_output.stdout_text;
  EXPECT_EQ(last_stdout_line(), "maplet-run: 0 passed, 2 failed, 0 skipped\n");
  EXPECT_NE(read_file(m_dir / "junit.xml").find("<testsuite name=\"powerpc.filter\""),
            std::string::npos);
}

TEST_F(RunnerTest, ArchWithoutAMatchCountsNothing) {
  use("powerpc", "no_match.ktap");
  m_options.filter = "nomatch.*";
  EXPECT_EQ(run_it(), EXIT_PASS) << m_output.stdout_text;
  EXPECT_NE(m_output.stdout_text.find("powerpc: no test matches 'nomatch.*' (QEMU exit status 0"),
            std::string::npos)
      << m_output.stdout_text;
  EXPECT_EQ(last_stdout_line(), "maplet-run: 4 passed, 0 failed, 0 skipped\n");
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
