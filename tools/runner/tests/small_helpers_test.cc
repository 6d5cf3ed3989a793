// Shell quoting, the colour decision, the --list text and the --failed record.

#include <gtest/gtest.h>

#include "tools/runner/colour.h"
#include "tools/runner/failure_record.h"
#include "tools/runner/listing.h"
#include "tools/runner/shell_quote.h"
#include "tools/runner/tests/test_util.h"

namespace maplet::runner {
namespace {

TEST(ShellQuote, PlainWordsStayBareOthersAreQuoted) {
  EXPECT_EQ(shell_quote({"qemu-system-aarch64", "-M", "virt,mte=on", "-m", "256M",
                         "build/arm64/maplet.bin"}),
            "qemu-system-aarch64 -M virt,mte=on -m 256M build/arm64/maplet.bin");
  EXPECT_EQ(shell_quote({"-append", "maplet.filter=* maplet.expect_mem=256M"}),
            "-append 'maplet.filter=* maplet.expect_mem=256M'");
  EXPECT_EQ(shell_quote({"it's", "", "$HOME", "a\"b", "x;y"}),
            "'it'\\''s' '' '$HOME' 'a\"b' 'x;y'");
}

// The quoted text run through a real shell gives back the same words.
TEST(ShellQuote, RoundTripsThroughSh) {
  std::vector<std::string> argv = {"printf", "[%s]", "a b", "it's", "*", "$x", "\\n", "~", "!"};
  FILE* pipe = popen(shell_quote(argv).c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char buf[256] = {};
  size_t n = fread(buf, 1, sizeof buf - 1, pipe);
  ASSERT_EQ(pclose(pipe), 0);
  EXPECT_EQ(std::string(buf, n), "[a b][it's][*][$x][\\n][~][!]");
}

TEST(Colour, OnlyOnATerminalWithoutNoColor) {
  EXPECT_TRUE(colour_wanted(true, nullptr, "xterm-256color"));
  EXPECT_TRUE(colour_wanted(true, "", nullptr));  // NO_COLOR counts only when non-empty.
  EXPECT_FALSE(colour_wanted(false, nullptr, "xterm"));
  EXPECT_FALSE(colour_wanted(true, "1", "xterm"));
  EXPECT_FALSE(colour_wanted(true, nullptr, "dumb"));
  EXPECT_EQ(paint("not ok", Colour::kRed), "\033[31mnot ok\033[0m");
}

CaseResult make_case(std::string suite, std::string name, Outcome outcome, bool synthesized,
                     std::string message = "") {
  CaseResult c;
  c.suite = std::move(suite);
  c.name = std::move(name);
  c.outcome = outcome;
  c.synthesized = synthesized;
  c.message = std::move(message);
  return c;
}

TEST(Listing, ListsOnlyListedCases) {
  ArchReport report{"arm64-nomte",
                    {make_case("format", "decimal", Outcome::kSkip, false, "listed"),
                     make_case("format", "width", Outcome::kSkip, false, "needs MTE"),
                     make_case("clock", "x", Outcome::kSkip, true, "listed"),
                     make_case("trap", "undefined", Outcome::kSkip, false, "listed")},
                    ""};
  int listed = 1;
  EXPECT_EQ(listing_text(report, &listed),
            "arm64-nomte: 2 tests\n  format.decimal\n  trap.undefined\n");
  EXPECT_EQ(listed, 3);
}

TEST(Listing, FailuresAroundTheListingFollowIt) {
  ArchReport report{"arm64",
                    {make_case("format", "decimal", Outcome::kSkip, false, "listed"),
                     make_case("ktap", "limit", Outcome::kFail, true, "too much"),
                     make_case("qemu", "crash", Outcome::kFail, true)},
                    ""};
  int listed = 0;
  EXPECT_EQ(
      listing_text(report, &listed),
      "arm64: 1 test\n  format.decimal\n  FAILED ktap.limit: too much\n  FAILED qemu.crash\n");
  EXPECT_EQ(listed, 1);
}

TEST(FailureRecord, GlobsForEachKindOfFailure) {
  using C = std::vector<CaseResult>;
  EXPECT_EQ(failure_globs(C{make_case("format", "decimal", Outcome::kPass, false)}, "*"),
            std::vector<std::string>{});
  EXPECT_EQ(failure_globs(C{make_case("vma", "b", Outcome::kFail, false),
                            make_case("format", "w", Outcome::kFail, false),
                            make_case("format", "w", Outcome::kFail, false),
                            make_case("format", "s", Outcome::kSkip, false)},
                          "*"),
            (std::vector<std::string>{"format.w", "vma.b"}));
  // A test that never reported reruns its suite.
  EXPECT_EQ(failure_globs(C{make_case("mm", "#4", Outcome::kFail, true)}, "*"),
            std::vector<std::string>{"mm.*"});
  // QEMU's crash cannot be pinned on a test: the whole run again.
  EXPECT_EQ(failure_globs(C{make_case("mm", "a", Outcome::kFail, false),
                            make_case("qemu", "crash", Outcome::kFail, true)},
                          "mm.*,vma.*"),
            std::vector<std::string>{"mm.*,vma.*"});
  // Neither can a filter that matched nothing, nor a stream cut off at the runner's limits.
  EXPECT_EQ(failure_globs(C{make_case("filter", "no_match", Outcome::kFail, true)}, "nomatch.*"),
            std::vector<std::string>{"nomatch.*"});
  EXPECT_EQ(failure_globs(C{make_case("ktap", "limit", Outcome::kFail, true)}, "mm.*"),
            std::vector<std::string>{"mm.*"});
}

TEST(FailureRecord, WriteReadRoundTrip) {
  auto dir = test_support::scratch_dir("FailureRecord");
  EXPECT_FALSE(read_failure_record(dir).exists);
  ASSERT_EQ(write_failure_record(dir, {"format.w", "mm.*"}), "");
  FailureRecord r = read_failure_record(dir);
  EXPECT_TRUE(r.exists);
  EXPECT_EQ(r.filter, "format.w,mm.*");
  EXPECT_EQ(r.error, "");
  ASSERT_EQ(write_failure_record(dir, {}), "");
  r = read_failure_record(dir);
  EXPECT_TRUE(r.exists);
  EXPECT_EQ(r.filter, "");
  std::ofstream(failure_record_path(dir)) << "a b\n";
  EXPECT_NE(read_failure_record(dir).error.find("is damaged"), std::string::npos);
  EXPECT_NE(write_failure_record(dir / "missing" / "deeper", {"x"}), "");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace maplet::runner
