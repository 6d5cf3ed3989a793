// Recorded console transcripts (tools/runner/tests/transcripts) through the demux and the KTAP
// parser, fed in chunks of many sizes: the verdict must not depend on how bytes arrive.

#include <gtest/gtest.h>

#include "tools/runner/console_demux.h"
#include "tools/runner/ktap_parser.h"
#include "tools/runner/tests/test_util.h"

namespace maplet::runner {
namespace {

using test_support::find_case;
using test_support::outline;
using test_support::transcript;

struct Parsed {
  std::vector<CaseResult> cases;
  std::vector<std::string> warnings;
  std::vector<std::string> partial;
  std::string user_stdout;
  bool complete = false;
};

Parsed parse_console(const std::string& bytes, size_t chunk) {
  Parsed parsed;
  KtapParser parser;
  DemuxSink sink;
  sink.ktap_line = [&](std::string_view line) { parser.feed_line(line); };
  sink.user_stdout = [&](std::string_view b) { parsed.user_stdout += b; };
  sink.partial_line = [&](std::string_view line) { parsed.partial.emplace_back(line); };
  ConsoleDemux demux(sink, nullptr);
  for (size_t at = 0; at < bytes.size(); at += chunk)
    demux.feed(std::string_view(bytes).substr(at, chunk));
  demux.finish();
  parser.finish("EOF");
  parsed.cases = parser.cases();
  parsed.warnings = parser.warnings();
  parsed.complete = parser.complete();
  return parsed;
}

// Parses the transcript whole and in 1-, 2-, 3-, 7- and 64-byte chunks; all must agree.
Parsed parse_transcript(std::string_view name) {
  std::string bytes = transcript(name);
  EXPECT_FALSE(bytes.empty()) << name;
  Parsed whole = parse_console(bytes, bytes.size() + 1);
  for (size_t chunk : {1, 2, 3, 7, 64}) {
    EXPECT_EQ(outline(parse_console(bytes, chunk).cases), outline(whole.cases))
        << name << " in " << chunk << "-byte chunks";
  }
  return whole;
}

TEST(Transcript, Passing) {
  auto p = parse_transcript("pass.ktap");
  EXPECT_EQ(outline(p.cases),
            "format.decimal=P\nformat.width=P\nformat.hex=P\ntrap.undefined_instruction=P\n");
  EXPECT_TRUE(p.complete);
  EXPECT_TRUE(p.warnings.empty());
}

TEST(Transcript, FailureWithDiagnosticsAndSkip) {
  auto p = parse_transcript("fail_skip.ktap");
  EXPECT_EQ(outline(p.cases),
            "format.decimal=P\nformat.width=F\nformat.skipped_one=S\n"
            "trap.undefined_instruction=P\n");
  const CaseResult* width = find_case(p.cases, "format.width");
  ASSERT_NE(width, nullptr);
  EXPECT_EQ(width->diagnostics,
            (std::vector<std::string>{"EXPECT_EQ failed at kernel/test/tests/format.cc:42",
                                      "left: n == 5", "right: 4 == 4"}));
  EXPECT_EQ(find_case(p.cases, "format.skipped_one")->message, "needs MTE");
  EXPECT_TRUE(p.complete);
}

TEST(Transcript, CrashMidSuiteReportsEveryTestThatNeverRan) {
  auto p = parse_transcript("crash_mid_suite.ktap");
  EXPECT_EQ(outline(p.cases),
            "mm.vma_insert=P\nmm.vma_split=P\nmm.vma_merge=F\nmm.#4=F\nktap.#2..#3=F\n");
  EXPECT_EQ(find_case(p.cases, "mm.vma_merge")->message,
            "vma_merge: unexpected exception: Data Abort (ESR 0x96000045, FAR 0x8)");
  EXPECT_FALSE(p.complete);
}

TEST(Transcript, TruncatedMidLine) {
  auto p = parse_transcript("truncated.ktap");
  // "    ok 2 wid" has no newline: it is not trusted as a result.
  EXPECT_EQ(outline(p.cases), "format.decimal=P\nformat.#2..#3=F\nktap.#2=F\n");
  EXPECT_EQ(p.partial, std::vector<std::string>{"    ok 2 wid"});
  EXPECT_FALSE(p.complete);
}

TEST(Transcript, FirmwareNoiseAndCarriageReturns) {
  auto p = parse_transcript("firmware_noise.ktap");
  EXPECT_EQ(outline(p.cases), "hcall.put_term_char=P\nhcall.rtas_power_off_token=S\n");
  EXPECT_EQ(p.cases[1].message, "no RTAS under VOF");
  EXPECT_TRUE(p.complete);
}

TEST(Transcript, GarbledLinesAreSkippedAndNumberingIssuesWarned) {
  auto p = parse_transcript("garbled.ktap");
  EXPECT_EQ(outline(p.cases),
            "lib.result_value=P\nlib.out_of_order=P\nlib.late=P\nlib.#4=F\n"
            "kstd.single_without_number=P\n");
  // The unnumbered bold_name after "ok 2 late" takes number 3 again: counted once.
  ASSERT_EQ(p.warnings.size(), 3u);
  EXPECT_NE(p.warnings[2].find("test number 3 reported twice"), std::string::npos);
}

TEST(Transcript, NestedSuitesAndTwoSpaceIndent) {
  auto p = parse_transcript("nested.ktap");
  EXPECT_EQ(outline(p.cases),
            "mm.vma_tree.insert=P\nmm.vma_tree.erase=F\nmm.page_alloc=P\n"
            "two_space.a=P\ntwo_space.b=S\n");
  EXPECT_EQ(find_case(p.cases, "mm.vma_tree.erase")->message,
            "EXPECT_EQ failed at kernel/test/tests/vma_tree.cc:88");
  EXPECT_TRUE(p.complete);
}

TEST(Transcript, RestartIsACrash) {
  auto p = parse_transcript("restart.ktap");
  EXPECT_EQ(outline(p.cases),
            "format.decimal=P\nformat.#2=F\nktap.#2=F\nktap.restarted=F\n"
            "format.decimal=P\nformat.#2=F\nktap.#2=F\n");
  EXPECT_FALSE(p.complete);
}

TEST(Transcript, MissingTopLevelPlan) {
  auto p = parse_transcript("no_plan.ktap");
  EXPECT_EQ(outline(p.cases), "format.decimal=P\nktap.plan=F\n");
  EXPECT_FALSE(p.complete);
}

TEST(Transcript, NoKtapAtAll) {
  auto p = parse_transcript("no_ktap.txt");
  EXPECT_EQ(outline(p.cases), "ktap.no_output=F\n");
}

TEST(Transcript, UserOutputIsNotKtap) {
  auto p = parse_transcript("user_output_core.console");
  EXPECT_EQ(outline(p.cases), "user.hello_world=P\nuser.segv_core=P\n");
  EXPECT_EQ(p.user_stdout, "hello from user\nsecond line\n");
  EXPECT_TRUE(p.complete);
}

}  // namespace
}  // namespace maplet::runner
