// The KTAP stream the framework writes: exact layout of passing, failing, trapping, panicking and
// skipped cases (the deliberate "selftest" suite), and test selection.

#include <gtest/gtest.h>

#include <string>

#include "arch/host/console.h"
#include "kernel/test/run.h"

namespace {

struct Captured {
  std::string text;
  ktest::Counts counts;
};

Captured run(const char* filter, ktest::Mode mode = ktest::Mode::Run) {
  Captured out;
  Sink sink(
      [](void* s, const char* text, size_t n) { static_cast<std::string*>(s)->append(text, n); },
      &out.text);
  host_console_capture(&out.text);
  out.counts = ktest::run_selected(sink, filter, mode);
  host_console_capture(nullptr);
  return out;
}

TEST(Ktap, SelftestSuiteReportsEveryKindOfFailure) {
  const Captured c = run("selftest.*");
  EXPECT_EQ(c.counts.passed, 1u);
  EXPECT_EQ(c.counts.failed, 4u);
  EXPECT_EQ(c.counts.skipped, 1u);
  const std::string& t = c.text;
  EXPECT_EQ(
      t.rfind("KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: selftest\n    1..6\n", 0),
      0u)
      << t;
  EXPECT_NE(t.find("    # EXPECT_EQ failed at kernel/test/tests/selftest.cc:"), std::string::npos);
  EXPECT_NE(t.find("    #   left: answer == 41\n    #   right: 42 == 42\n"), std::string::npos)
      << t;
  EXPECT_NE(t.find("    # still running after a failed EXPECT\n    not ok 1 failing_expectation\n"),
            std::string::npos);
  EXPECT_NE(t.find("    # ASSERT_TRUE(1 + 1 == 3) failed at"), std::string::npos);
  EXPECT_EQ(t.find("not reached"), std::string::npos);
  EXPECT_NE(t.find("    not ok 2 failing_assertion_stops_the_case\n"), std::string::npos);
  EXPECT_NE(t.find("    # unexpected trap: SIGILL"), std::string::npos) << t;
  EXPECT_NE(t.find("    not ok 3 unexpected_trap\n"), std::string::npos);
  EXPECT_NE(t.find("    # PANIC at kernel/test/tests/selftest.cc:"), std::string::npos);
  EXPECT_NE(t.find("    not ok 4 panic\n"), std::string::npos);
  EXPECT_NE(t.find("    ok 5 skipped # SKIP deliberately skipped\n"), std::string::npos);
  EXPECT_NE(t.find("    ok 6 passing\n"), std::string::npos);
  EXPECT_NE(t.find("    # selftest: pass:1 fail:4 skip:1 total:6\n"), std::string::npos);
  const std::string last = "\nnot ok 1 selftest\n";
  EXPECT_EQ(t.substr(t.size() - last.size()), last) << t;
}

TEST(Ktap, ListModeReportsEveryCaseWithoutRunningIt) {
  const Captured c = run("selftest.*", ktest::Mode::List);
  EXPECT_EQ(c.counts.skipped, 6u);
  EXPECT_EQ(c.counts.total(), 6u);
  const std::string& t = c.text;
  EXPECT_EQ(
      t.rfind("KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: selftest\n    1..6\n", 0),
      0u)
      << t;
  EXPECT_NE(t.find("    ok 1 failing_expectation # SKIP listed\n"), std::string::npos) << t;
  EXPECT_NE(t.find("    ok 4 panic # SKIP listed\n"), std::string::npos);
  EXPECT_NE(t.find("    ok 6 passing # SKIP listed\n"), std::string::npos);
  // Nothing ran: no diagnostics but the suite's statistics.
  EXPECT_EQ(t.find("failed at"), std::string::npos) << t;
  EXPECT_EQ(t.find("still running"), std::string::npos);
  EXPECT_NE(t.find("\nok 1 selftest # SKIP\n"), std::string::npos) << t;
}

TEST(Ktap, CountSelectedIsWhatRunReports) {
  EXPECT_EQ(ktest::count_selected("selftest.*"), 6u);
  EXPECT_EQ(ktest::count_selected("no_such_suite.*"), 0u);
  EXPECT_EQ(ktest::count_selected("format.*,string.*"), run("format.*,string.*").counts.total());
  EXPECT_EQ(ktest::count_selected("*"), run("*", ktest::Mode::List).counts.total());
}

TEST(Ktap, FailedResultExpectationsNameBothOutcomes) {
  const Captured c = run("selftest_result.*");
  EXPECT_EQ(c.counts.failed, 3u);
  const std::string& t = c.text;
  EXPECT_NE(t.find("    #   got error ENOMEM, expected success\n    not ok 1"), std::string::npos)
      << t;
  EXPECT_NE(t.find("    #   got success, expected error EINVAL\n    not ok 2"), std::string::npos)
      << t;
  EXPECT_NE(t.find("    #   got error EEXIST, expected error EINVAL\n    not ok 3"),
            std::string::npos)
      << t;
}

TEST(Ktap, ExplicitTestsNeedTheirSuiteNamed) {
  EXPECT_EQ(run("*").text.find("selftest"), std::string::npos);
  EXPECT_EQ(run("self*.*").text.find("# Subtest: selftest"), std::string::npos);
  const Captured one = run("selftest.passing");
  EXPECT_EQ(one.counts.passed, 1u);
  EXPECT_EQ(one.counts.total(), 1u);
  EXPECT_NE(one.text.find("    1..1\n    ok 1 passing\n"), std::string::npos) << one.text;
}

TEST(Ktap, FilterSelectsSuitesAndCases) {
  const Captured c = run("format.width_and_padding,string.*");
  EXPECT_EQ(c.counts.failed, 0u);
  EXPECT_EQ(c.text.rfind("KTAP version 1\n1..2\n", 0), 0u);
  EXPECT_NE(c.text.find("# Subtest: format\n    1..1\n    ok 1 width_and_padding\n"),
            std::string::npos);
  EXPECT_NE(c.text.find("ok 1 format\n"), std::string::npos);
  EXPECT_NE(c.text.find("ok 2 string\n"), std::string::npos);
}

TEST(Ktap, FilterMatchingNothingFails) {
  const Captured c = run("no_such_suite.*");
  EXPECT_EQ(c.counts.failed, 1u);
  EXPECT_EQ(c.text, "KTAP version 1\n1..0\n# no test matches the filter 'no_such_suite.*'\n");
}

TEST(Ktap, AllSkippedSuiteIsSkipped) {
  std::string text;
  Sink sink([](void* s, const char* p, size_t n) { static_cast<std::string*>(s)->append(p, n); },
            &text);
  ktest::KtapWriter writer(sink);
  ktest::Counts counts;
  counts.add(ktest::Status::Skip);
  writer.end_suite(3, "mte", counts);
  EXPECT_EQ(text,
            "# mte: pass:0 fail:0 skip:1 total:1\n# Totals: pass:0 fail:0 skip:1 total:1\n"
            "ok 3 mte # SKIP\n");
}

TEST(Ktap, MultiLineDiagnosticsKeepThePrefix) {
  std::string text;
  Sink sink([](void* s, const char* p, size_t n) { static_cast<std::string*>(s)->append(p, n); },
            &text);
  ktest::KtapWriter writer(sink);
  writer.begin_suite("s", 1);
  text.clear();
  writer.diagnostic("one\ntwo");
  EXPECT_EQ(text, "    # one\n    # two\n");
}

}  // namespace
