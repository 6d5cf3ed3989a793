#include "oracle/compare/observation_diff.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace maplet::oracle {
namespace {

std::vector<NormaliseRule> rules(std::string_view text) {
  std::string error;
  auto parsed = parse_normalise(text, &error);
  EXPECT_TRUE(parsed.has_value()) << error;
  return parsed.value_or(std::vector<NormaliseRule>{});
}

TEST(ObservationDiff, IdenticalFilesAgreeAndCountEveryLine) {
  DiffResult r = diff_observations("a 1\nb 2\nstatus exit 0\n", "a 1\nb 2\nstatus exit 0\n", {});
  EXPECT_EQ(r.compared, 3u);
  EXPECT_TRUE(r.diffs.empty());
}

TEST(ObservationDiff, DifferentValueShowsBothSides) {
  DiffResult r =
      diff_observations("a 1\nmmap.hint ok base+0x8000\n", "a 1\nmmap.hint ok base+0x9000\n", {});
  ASSERT_EQ(r.diffs.size(), 1u);
  EXPECT_EQ(r.diffs[0].line, 2u);
  EXPECT_EQ(r.diffs[0].linux_line, "mmap.hint ok base+0x8000");
  EXPECT_EQ(r.diffs[0].maplet_line, "mmap.hint ok base+0x9000");
  EXPECT_EQ(format_diffs(r),
            "line 2\n  linux:  mmap.hint ok base+0x8000\n  maplet: mmap.hint ok base+0x9000\n");
}

TEST(ObservationDiff, MissingAndExtraLinesAreDifferences) {
  DiffResult shorter = diff_observations("a 1\nb 2\n", "a 1\n", {});
  ASSERT_EQ(shorter.diffs.size(), 1u);
  EXPECT_EQ(shorter.compared, 1u);
  EXPECT_EQ(shorter.diffs[0].maplet_line, "(missing)");
  DiffResult longer = diff_observations("a 1\n", "a 1\nc 3\n", {});
  ASSERT_EQ(longer.diffs.size(), 1u);
  EXPECT_EQ(longer.diffs[0].linux_line, "(missing)");
  EXPECT_EQ(longer.diffs[0].maplet_line, "c 3");
}

TEST(ObservationDiff, AnyRuleIgnoresTheValueButNotTheKeyOrPlace) {
  auto r = rules("auxv.AT_HWCAP* any the CPU features Maplet implements are a subset\n");
  EXPECT_TRUE(diff_observations("auxv.AT_HWCAP 0xff\n", "auxv.AT_HWCAP 0x3\n", r).diffs.empty());
  EXPECT_TRUE(diff_observations("auxv.AT_HWCAP2 0x1\n", "auxv.AT_HWCAP2 0x0\n", r).diffs.empty());
  // Another key at the same place, or the key one line later, still differs.
  EXPECT_EQ(diff_observations("auxv.AT_HWCAP 0xff\n", "auxv.AT_CLKTCK 0xff\n", r).diffs.size(), 1u);
  EXPECT_EQ(diff_observations("x 1\nauxv.AT_HWCAP 1\n", "auxv.AT_HWCAP 1\nx 1\n", r).diffs.size(),
            2u);
  // A key that only starts like the glob's literal part is not covered.
  EXPECT_EQ(diff_observations("auxv.AT_HWCA 1\n", "auxv.AT_HWCA 2\n", r).diffs.size(), 1u);
}

TEST(ObservationDiff, SameRuleStillComparesTheValue) {
  auto r = rules("auxv.AT_RANDOM same the bytes are random: the program prints properties\n");
  EXPECT_EQ(diff_observations("auxv.AT_RANDOM nonzero yes\n", "auxv.AT_RANDOM nonzero no\n", r)
                .diffs.size(),
            1u);
}

TEST(NormaliseList, RejectsEntriesWithoutActionOrReason) {
  std::string error;
  EXPECT_FALSE(parse_normalise("# comment\n\nkey maybe because\n", &error).has_value());
  EXPECT_EQ(error, "line 3: the action must be 'any' or 'same', not 'maybe'");
  EXPECT_FALSE(parse_normalise("key any\n", &error).has_value());
  EXPECT_EQ(error, "line 1: 'key' has no reason");
  EXPECT_FALSE(parse_normalise("key any   \n", &error).has_value());
  EXPECT_FALSE(parse_normalise(" any reason\n", &error).has_value());
  EXPECT_EQ(error, "line 1: no key glob");
}

TEST(NormaliseList, TheCheckedInListParsesAndGivesEveryEntryAReason) {
  std::ifstream in("oracle/normalise");
  ASSERT_TRUE(in) << "run from the repository root";
  std::ostringstream text;
  text << in.rdbuf();
  std::string error;
  auto parsed = parse_normalise(text.str(), &error);
  ASSERT_TRUE(parsed.has_value()) << error;
  EXPECT_FALSE(parsed->empty());
  for (const NormaliseRule& rule : *parsed) EXPECT_GE(rule.reason.size(), 10u) << rule.key_glob;
}

}  // namespace
}  // namespace maplet::oracle
