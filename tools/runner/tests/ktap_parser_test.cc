// The KTAP parser on small inline streams: structure, directives, numbering, plans, and what
// it reports while a stream is still arriving.

#include "tools/runner/ktap_parser.h"

#include <gtest/gtest.h>

#include "tools/runner/tests/test_util.h"

namespace maplet::runner {
namespace {

using test_support::find_case;
using test_support::outline;

std::vector<CaseResult> parse(std::string_view text, std::string_view why = "EOF") {
  KtapParser parser;
  test_support::feed_lines(parser, text);
  parser.finish(why);
  return parser.cases();
}

TEST(KtapParser, ReportsLeavesWithSuitePrefixAsTheyArrive) {
  std::vector<std::string> seen;
  KtapParser parser([&](CaseResult& c) { seen.push_back(full_name(c)); });
  parser.feed_line("KTAP version 1");
  parser.feed_line("1..1");
  parser.feed_line("    KTAP version 1");
  parser.feed_line("    # Subtest: format");
  parser.feed_line("    1..2");
  parser.feed_line("    ok 1 decimal");
  EXPECT_EQ(seen, std::vector<std::string>{"format.decimal"});
  EXPECT_EQ(parser.current_test(), "format.#2 (after format.decimal)");
  parser.feed_line("    ok 2 width");
  parser.feed_line("ok 1 format");
  parser.finish("EOF");
  EXPECT_EQ(seen, (std::vector<std::string>{"format.decimal", "format.width"}));
  EXPECT_TRUE(parser.complete());
  EXPECT_EQ(parser.tally().passed, 2);
}

TEST(KtapParser, DiagnosticsBelongToTheNextResult) {
  auto cases = parse(
      "KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: s\n    1..2\n"
      "    # EXPECT_EQ failed at a.cc:1\n    # left: 1\n    not ok 1 first\n"
      "    ok 2 second\nnot ok 1 s\n");
  ASSERT_EQ(outline(cases), "s.first=F\ns.second=P\n");
  EXPECT_EQ(cases[0].diagnostics,
            (std::vector<std::string>{"EXPECT_EQ failed at a.cc:1", "left: 1"}));
  EXPECT_EQ(cases[0].message, "EXPECT_EQ failed at a.cc:1");
  EXPECT_TRUE(cases[1].diagnostics.empty());
}

TEST(KtapParser, SkipAndTodoDirectives) {
  auto cases = parse(
      "KTAP version 1\n1..4\nok 1 a # SKIP needs MTE\nok 2 b # skip\n"
      "not ok 3 c # TODO later\nnot ok 4 d # not a directive\n");
  ASSERT_EQ(outline(cases), "a=S\nb=S\nc=S\nd=F\n");
  EXPECT_EQ(cases[0].message, "needs MTE");
  EXPECT_EQ(cases[2].message, "TODO: later");
}

TEST(KtapParser, OlderKunitPrintsSubtestBeforeHeader) {
  auto cases = parse(
      "KTAP version 1\n1..1\n    # Subtest: old\n    KTAP version 1\n    1..1\n"
      "    ok 1 x\nok 1 old\n");
  EXPECT_EQ(outline(cases), "old.x=P\n");
}

TEST(KtapParser, SuiteWithoutCasesIsALeaf) {
  auto cases = parse(
      "KTAP version 1\n1..2\n    KTAP version 1\n    # Subtest: empty\n    1..0\n"
      "ok 1 empty # SKIP no MTE\nok 2 toplevel\n");
  EXPECT_EQ(outline(cases), "empty=S\ntoplevel=P\n");
}

TEST(KtapParser, SuiteNamedOnlyByItsResultLine) {
  auto cases = parse("KTAP version 1\n1..1\n    1..1\n    ok 1 x\nok 1 named_late\n");
  EXPECT_EQ(outline(cases), "named_late.x=P\n");
}

TEST(KtapParser, NotOkSuiteWithPassingCasesIsAFailure) {
  auto cases = parse(
      "KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: s\n    1..1\n    ok 1 x\n"
      "    # suite_exit failed\nnot ok 1 s\n");
  ASSERT_EQ(outline(cases), "s.x=P\ns=F\n");
  EXPECT_TRUE(cases[1].synthesized);
  EXPECT_NE(
      std::find(cases[1].diagnostics.begin(), cases[1].diagnostics.end(), "suite_exit failed"),
      cases[1].diagnostics.end());
}

TEST(KtapParser, SuiteEndingEarlyCountsTheMissingCasesAsOneRange) {
  auto cases = parse(
      "KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: s\n    1..3\n    ok 1 x\n"
      "not ok 1 s\n");
  EXPECT_EQ(outline(cases), "s.x=P\ns.#2..#3=F\n");
}

TEST(KtapParser, MoreResultsThanPlannedIsAFailure) {
  auto cases = parse("KTAP version 1\n1..1\nok 1 a\nok 2 b\n");
  EXPECT_EQ(outline(cases), "a=P\nb=P\nktap.plan=F\n");
}

TEST(KtapParser, PlanMayComeLast) {
  KtapParser parser;
  for (auto line : {"KTAP version 1", "ok 1 a", "ok 2 b", "1..2"}) parser.feed_line(line);
  parser.finish("EOF");
  EXPECT_TRUE(parser.complete());
  EXPECT_EQ(outline(parser.cases()), "a=P\nb=P\n");
}

TEST(KtapParser, OutOfOrderAndDuplicateNumbersWarn) {
  KtapParser parser;
  for (auto line : {"KTAP version 1", "1..3", "ok 2 b", "ok 1 a", "ok 1 again", "ok 3 c"}) {
    parser.feed_line(line);
  }
  parser.finish("EOF");
  EXPECT_EQ(outline(parser.cases()), "b=P\na=P\nc=P\n");
  ASSERT_EQ(parser.warnings().size(), 4u);
  EXPECT_NE(parser.warnings()[0].find("expected test 1, got 2"), std::string::npos);
  EXPECT_NE(parser.warnings()[1].find("expected test 3, got 1"), std::string::npos);
  EXPECT_NE(parser.warnings()[2].find("test number 1 reported twice"), std::string::npos);
  EXPECT_NE(parser.warnings()[3].find("expected test 2, got 3"), std::string::npos);
}

TEST(KtapParser, LinesBeforeTheHeaderAreIgnored) {
  auto cases = parse("ok 1 stray\n# noise\nKTAP version 1\n1..1\nok 1 real\n");
  EXPECT_EQ(outline(cases), "real=P\n");
}

TEST(KtapParser, NoHeaderAtAllIsOneFailure) {
  auto cases = parse("firmware says hi\n", "QEMU exited");
  ASSERT_EQ(outline(cases), "ktap.no_output=F\n");
  EXPECT_EQ(cases[0].diagnostics, std::vector<std::string>{"QEMU exited"});
}

TEST(KtapParser, CutOffSuiteWithoutPlanIsOneFailure) {
  auto cases = parse("KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: s\n    ok 1 x\n");
  ASSERT_EQ(outline(cases), "s.x=P\ns=F\n");
  EXPECT_NE(cases[1].message.find("no plan"), std::string::npos);
}

TEST(KtapParser, CutOffAfterAllCasesStillFailsTheSuite) {
  auto cases =
      parse("KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: s\n    1..1\n    ok 1 x\n");
  EXPECT_EQ(outline(cases), "s.x=P\ns=F\n");
}

TEST(KtapParser, NewSuiteHeaderWhileOneIsOpenTruncatesIt) {
  auto cases = parse(
      "KTAP version 1\n1..2\n    KTAP version 1\n    # Subtest: a\n    1..2\n    ok 1 x\n"
      "    KTAP version 1\n    # Subtest: b\n    1..1\n    ok 1 y\nok 2 b\n");
  EXPECT_EQ(outline(cases), "a.x=P\na.#2=F\nb.y=P\n");
}

TEST(KtapParser, CurrentTestBeforeAndAfter) {
  KtapParser parser;
  EXPECT_EQ(parser.current_test(), "");
  parser.feed_line("KTAP version 1");
  parser.feed_line("1..1");
  EXPECT_EQ(parser.current_test(), "#1");
  parser.feed_line("    KTAP version 1");
  parser.feed_line("    # Subtest: s");
  parser.feed_line("    1..1");
  EXPECT_EQ(parser.current_test(), "s.#1");
  parser.feed_line("    ok 1 x");
  EXPECT_EQ(parser.current_test(), "s");
  parser.feed_line("ok 1 s");
  EXPECT_EQ(parser.current_test(), "");
}

TEST(KtapParser, DiagnosticFloodIsCapped) {
  std::string text = "KTAP version 1\n1..1\n";
  for (int i = 0; i < 1000; ++i) text += "# line " + std::to_string(i) + "\n";
  text += "not ok 1 noisy\n";
  auto cases = parse(text);
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].diagnostics.size(), 201u);
  EXPECT_EQ(cases[0].diagnostics.front(), "line 0");
}

TEST(KtapParser, FinishContextGoesToTheFirstMissingTestOnly) {
  KtapParser parser;
  for (auto line : {"KTAP version 1", "1..4", "ok 1 a", "ok 3 c"}) parser.feed_line(line);
  parser.finish("timeout", {"console: PANIC"});
  ASSERT_EQ(outline(parser.cases()), "a=P\nc=P\nktap.#2=F\nktap.#4=F\n");
  EXPECT_EQ(parser.cases()[2].diagnostics, (std::vector<std::string>{"timeout", "console: PANIC"}));
  EXPECT_EQ(parser.cases()[3].diagnostics, std::vector<std::string>{"timeout"});
  EXPECT_TRUE(parser.cases()[0].diagnostics.empty());
}

TEST(KtapParser, FinishIsIdempotentAndStopsFeeding) {
  KtapParser parser;
  parser.feed_line("KTAP version 1");
  parser.feed_line("1..1");
  parser.finish("first");
  parser.finish("second");
  parser.feed_line("ok 1 late");
  EXPECT_EQ(outline(parser.cases()), "ktap.#1=F\n");
  EXPECT_EQ(parser.cases()[0].diagnostics, std::vector<std::string>{"first"});
}

}  // namespace
}  // namespace maplet::runner
