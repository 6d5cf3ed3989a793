// maplet-run against kernels that print without bound: a plan of two billion
// tests, an endless stream of one result, an endless stream of new results. The
// run must end with a summary and a JUnit file, not grow until the OOM killer
// ends it.

#include <gtest/gtest.h>

#include "tools/runner/ktap_parser.h"
#include "tools/runner/tests/runner_fixture.h"

namespace maplet::runner {
namespace {

using test_support::read_file;
using test_support::RunnerTest;

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST_F(RunnerTest, HugePlanIsOneMissingRange) {
  use("arm64", "huge_plan.ktap");
  m_options.junit = (m_dir / "junit.xml").string();
  EXPECT_EQ(run_it(), EXIT_FAIL);
  EXPECT_NE(m_output.stdout_text.find("  FAILED huge.#5..#2000000000: planned tests "
                                      "#5..#2000000000 (1999999996 tests) never reported"),
            std::string::npos)
      << m_output.stdout_text;
  EXPECT_EQ(last_stdout_line(), "maplet-run: 4 passed, 1 failed, 0 skipped\n");
  std::string xml = read_file(m_dir / "junit.xml");
  EXPECT_EQ(count(xml, "<testcase "), 5u);
  EXPECT_NE(xml.find("<testcase classname=\"arm64.huge\" name=\"#5..#2000000000\""),
            std::string::npos);
}

TEST_F(RunnerTest, EndlessRepeatedResultHitsTheLimit) {
  use("arm64", "flood_start.ktap");
  m_options.append = "fake.flood";
  m_options.junit = (m_dir / "junit.xml").string();
  m_options.timeout_seconds = 120;  // catches a limit that never stops QEMU
  EXPECT_EQ(run_it(), EXIT_FAIL);
  // The limit stopped QEMU, not the timeout.
  EXPECT_EQ(m_output.stderr_text.find("TIMEOUT"), std::string::npos);
  EXPECT_NE(m_output.stderr_text.find("[arm64] stopping QEMU: the KTAP output exceeded the "
                                      "runner's limits"),
            std::string::npos);
  EXPECT_NE(m_output.stdout_text.find("  FAILED ktap.limit: the kernel reported more than 100000 "
                                      "test results"),
            std::string::npos)
      << m_output.stdout_text;
  EXPECT_EQ(last_stdout_line(), "maplet-run: 1 passed, 1 failed, 0 skipped\n");
  // A handful of warnings, then one line that counts the rest.
  EXPECT_LE(count(m_output.stderr_text, "reported twice"), KtapParser::MAX_WARNINGS);
  EXPECT_NE(m_output.stderr_text.find("more warnings not shown"), std::string::npos);
  std::string xml = read_file(m_dir / "junit.xml");
  EXPECT_NE(xml.find("name=\"limit\""), std::string::npos);
  EXPECT_NE(xml.find("</testsuites>\n"), std::string::npos);
}

TEST_F(RunnerTest, EndlessNewResultsHitTheLimit) {
  use("arm64", "flood_start.ktap");
  m_options.append = "fake.count_flood";
  m_options.junit = (m_dir / "junit.xml").string();
  m_options.timeout_seconds = 120;
  EXPECT_EQ(run_it(), EXIT_FAIL);
  EXPECT_EQ(m_output.stderr_text.find("TIMEOUT"), std::string::npos);
  EXPECT_NE(m_output.stdout_text.find("  FAILED ktap.limit: "), std::string::npos)
      << m_output.stdout_text.substr(0, 2000);
  EXPECT_EQ(last_stdout_line(), "maplet-run: 100000 passed, 1 failed, 0 skipped\n");
  std::string xml = read_file(m_dir / "junit.xml");
  EXPECT_EQ(count(xml, "<testcase "), 100001u);
}

// A listing that floods is stopped like a run, and its summary says it was cut
// short.
TEST_F(RunnerTest, ListingThatFloodsHitsTheLimit) {
  use("arm64", "flood_start.ktap");
  m_options.append = "fake.count_flood";
  m_options.list = true;
  EXPECT_EQ(run_it(), EXIT_FAIL);
  EXPECT_NE(m_output.stdout_text.find("arm64: 0 tests\n  FAILED ktap.limit: "), std::string::npos)
      << m_output.stdout_text.substr(0, 2000);
  EXPECT_EQ(last_stdout_line(), "maplet-run: 0 tests listed in 1 configuration\n");
}

}  // namespace
}  // namespace maplet::runner
