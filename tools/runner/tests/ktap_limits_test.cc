// The KTAP parser against streams a broken or hostile kernel can print: missing tests as ranges,
// test numbers reported twice, warning floods, and the hard limit on what one arch may record.

#include <gtest/gtest.h>

#include "tools/runner/ktap_parser.h"
#include "tools/runner/tests/test_util.h"

namespace maplet::runner {
namespace {

using test_support::find_case;
using test_support::outline;

using test_support::feed_lines;

std::string suite(std::string_view plan, std::string_view results) {
  return "KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: s\n    " + std::string(plan) +
         "\n" + std::string(results) + "ok 1 s\n";
}

TEST(KtapLimits, MissingTestsAreOneFailurePerGap) {
  KtapParser parser;
  feed_lines(parser, suite("1..10", "    ok 1 a\n    ok 2 b\n    ok 5 e\n    ok 7 g\n"));
  parser.finish("EOF");
  EXPECT_EQ(outline(parser.cases()),
            "s.a=P\ns.b=P\ns.e=P\ns.g=P\ns.#3..#4=F\ns.#6=F\ns.#8..#10=F\n");
  const CaseResult* range = find_case(parser.cases(), "s.#8..#10");
  ASSERT_NE(range, nullptr);
  EXPECT_EQ(range->message, "planned tests #8..#10 (3 tests) never reported a result");
  EXPECT_EQ(parser.tally().failed, 3);
}

TEST(KtapLimits, HugePlanIsOneFailure) {
  KtapParser parser;
  feed_lines(parser, suite("1..2000000000", "    ok 1 a\n    ok 2 b\n    ok 3 c\n    ok 4 d\n"));
  parser.finish("EOF");
  EXPECT_EQ(outline(parser.cases()), "s.a=P\ns.b=P\ns.c=P\ns.d=P\ns.#5..#2000000000=F\n");
  EXPECT_EQ(parser.cases().back().message,
            "planned tests #5..#2000000000 (1999999996 tests) never reported a result");
}

TEST(KtapLimits, LargestPlanDoesNotOverflow) {
  KtapParser parser;
  feed_lines(parser, "KTAP version 1\n1..2147483647\nok 2147483647 last\n");
  parser.finish("EOF");
  EXPECT_EQ(outline(parser.cases()), "last=P\nktap.#1..#2147483646=F\n");
}

// What follows test number 2147483647 is #2147483648: the name of the test under way, of a
// sub-document with no name of its own and of its cases.
TEST(KtapLimits, LargestNumberNamesWhatFollowsWithoutOverflow) {
  KtapParser parser;
  feed_lines(parser, "KTAP version 1\nok 2147483647 last\n");
  EXPECT_EQ(parser.current_test(), "#2147483648 (after last)");
  feed_lines(parser, "    1..2\n    ok 1 a\n");
  EXPECT_EQ(parser.current_test(), "#2147483648.#2 (after #2147483648.a)");
  parser.finish("EOF");
  EXPECT_EQ(outline(parser.cases()), "last=P\n#2147483648.a=P\n#2147483648.#2=F\nktap.plan=F\n");
}

TEST(KtapLimits, DuplicateNumberCountsOnceAndTheWorseVerdictWins) {
  std::vector<std::string> seen;
  KtapParser parser([&](CaseResult& c) {
    seen.push_back(full_name(c) + (c.outcome == Outcome::kFail ? "=F" : "=P"));
  });
  feed_lines(parser,
             "KTAP version 1\n1..3\nok 1 a\n# EXPECT_EQ failed at x.cc:1\nnot ok 1 a\n"
             "not ok 2 b\nok 2 b\nok 3 c\nok 3 c # SKIP later\n");
  parser.finish("EOF");
  EXPECT_EQ(outline(parser.cases()), "a=F\nb=F\nc=S\n");
  EXPECT_TRUE(parser.complete());
  Tally tally = parser.tally();
  EXPECT_EQ(tally.passed, 0);
  EXPECT_EQ(tally.failed, 2);
  EXPECT_EQ(tally.skipped, 1);
  const CaseResult& a = parser.cases()[0];
  EXPECT_EQ(a.message, "EXPECT_EQ failed at x.cc:1");
  EXPECT_NE(std::find(a.diagnostics.begin(), a.diagnostics.end(),
                      "test number 1 was reported more than once; the worse verdict counts"),
            a.diagnostics.end());
  // The live view learns of the change too.
  EXPECT_EQ(seen, (std::vector<std::string>{"a=P", "a=F", "b=F", "c=P", "c=P"}));
}

TEST(KtapLimits, WarningsAreRateLimitedAndCounted) {
  KtapParser parser;
  std::string text = "KTAP version 1\n1..1\n";
  for (int i = 0; i < 5000; ++i) text += "ok 1 flood\n";
  feed_lines(parser, text);
  parser.finish("EOF");
  EXPECT_EQ(outline(parser.cases()), "flood=P\n");
  EXPECT_EQ(parser.warnings().size(), KtapParser::MAX_WARNINGS);
  EXPECT_EQ(parser.suppressed_warnings(), 4999 - KtapParser::MAX_WARNINGS);
}

TEST(KtapLimits, TooManyResultsHitTheLimit) {
  KtapParser parser({}, KtapParser::Limits{.max_results = 100, .max_bytes = 1 << 20});
  std::string text = "KTAP version 1\n1..1000\n";
  for (int i = 1; i <= 1000; ++i) text += "ok " + std::to_string(i) + " t\n";
  feed_lines(parser, text);
  EXPECT_TRUE(parser.limit_reached());
  parser.finish("EOF");
  ASSERT_EQ(parser.cases().size(), 101u);
  const CaseResult& limit = parser.cases().back();
  EXPECT_EQ(full_name(limit), "ktap.limit");
  EXPECT_EQ(limit.outcome, Outcome::kFail);
  EXPECT_EQ(limit.message,
            "the kernel reported more than 100 test results; the runner stopped reading (a "
            "flood?)");
  EXPECT_FALSE(parser.complete());
}

TEST(KtapLimits, DuplicatesCountTowardsTheLimit) {
  KtapParser parser({}, KtapParser::Limits{.max_results = 100, .max_bytes = 1 << 20});
  std::string text = "KTAP version 1\n1..1\n";
  for (int i = 0; i < 1000; ++i) text += "ok 1 flood\n";
  feed_lines(parser, text);
  EXPECT_TRUE(parser.limit_reached());
  parser.finish("EOF");
  EXPECT_EQ(outline(parser.cases()), "flood=P\nktap.limit=F\n");
}

TEST(KtapLimits, TooManyDiagnosticBytesHitTheLimit) {
  KtapParser parser({}, KtapParser::Limits{.max_results = 1000, .max_bytes = 10000});
  std::string text = "KTAP version 1\n1..100\n";
  for (int i = 1; i <= 100; ++i) {
    text += "# " + std::string(500, 'x') + "\nnot ok " + std::to_string(i) + " t\n";
  }
  feed_lines(parser, text);
  EXPECT_TRUE(parser.limit_reached());
  parser.finish("EOF");
  EXPECT_LT(parser.cases().size(), 25u);
  EXPECT_EQ(full_name(parser.cases().back()), "ktap.limit");
  EXPECT_NE(parser.cases().back().message.find("more than 10000 bytes"), std::string::npos);
}

}  // namespace
}  // namespace maplet::runner
