// The console demux: routing by prefix, line assembly across reads, '\r', long lines, and the
// end of the stream.

#include "tools/runner/console_demux.h"

#include <gtest/gtest.h>

#include "tools/runner/base64.h"

namespace maplet::runner {
namespace {

struct Recorder {
  std::vector<std::string> ktap;
  std::vector<std::string> log;
  std::string out;
  std::string err;
  std::vector<std::string> warnings;
  std::vector<std::string> partial;
  std::vector<std::string> plan;
  std::vector<std::string> clock;

  DemuxSink sink() {
    DemuxSink s;
    s.ktap_line = [this](std::string_view l) { ktap.emplace_back(l); };
    s.log_line = [this](std::string_view l) { log.emplace_back(l); };
    s.user_stdout = [this](std::string_view b) { out += b; };
    s.user_stderr = [this](std::string_view b) { err += b; };
    s.warning = [this](std::string_view w) { warnings.emplace_back(w); };
    s.partial_line = [this](std::string_view l) { partial.emplace_back(l); };
    s.plan_line = [this](std::string_view l) { plan.emplace_back(l); };
    s.clock_line = [this](std::string_view l) { clock.emplace_back(l); };
    return s;
  }
};

TEST(ConsoleDemux, RoutesEachPrefix) {
  Recorder r;
  ConsoleDemux demux(r.sink(), nullptr);
  demux.feed("KTAP version 1\n~log booting\n~out " + base64_encode("hi\n") + "\n~err " +
             base64_encode(std::string("\0\xff", 2)) + "\n~future thing\nnoise\n");
  demux.finish();
  EXPECT_EQ(r.ktap, (std::vector<std::string>{"KTAP version 1", "noise"}));
  EXPECT_EQ(r.log, (std::vector<std::string>{"booting", "~future thing"}));
  EXPECT_EQ(r.out, "hi\n");
  EXPECT_EQ(r.err, std::string("\0\xff", 2));
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_TRUE(r.partial.empty());
}

TEST(ConsoleDemux, RoutesPlanAndClockLines) {
  Recorder r;
  ConsoleDemux demux(r.sink(), nullptr);
  demux.feed("~clock 12 512000000\n~plan 62\n~planned 3\n~clock 99 512000000\r\n");
  demux.finish();
  EXPECT_EQ(r.plan, std::vector<std::string>{"62"});
  EXPECT_EQ(r.clock, (std::vector<std::string>{"12 512000000", "99 512000000"}));
  EXPECT_EQ(r.log, std::vector<std::string>{"~planned 3"});
  EXPECT_TRUE(r.ktap.empty());
}

TEST(ConsoleDemux, AssemblesLinesAcrossReadsAndDropsCarriageReturn) {
  Recorder r;
  ConsoleDemux demux(r.sink(), nullptr);
  for (std::string_view piece : {"    ok 1 a", "bc\r", "\n~l", "og x\r\n"}) demux.feed(piece);
  demux.finish();
  EXPECT_EQ(r.ktap, std::vector<std::string>{"    ok 1 abc"});
  EXPECT_EQ(r.log, std::vector<std::string>{"x"});
}

TEST(ConsoleDemux, UserOutputKeepsEveryByte) {
  Recorder r;
  ConsoleDemux demux(r.sink(), nullptr);
  std::string binary;
  for (int i = 0; i < 256; ++i) binary.push_back(static_cast<char>(i));
  demux.feed("~out " + base64_encode(binary) + "\n~out " + base64_encode("no newline") + "\n");
  demux.finish();
  EXPECT_EQ(r.out, binary + "no newline");
}

TEST(ConsoleDemux, UndecodableUserOutputIsDroppedWithAWarning) {
  Recorder r;
  ConsoleDemux demux(r.sink(), nullptr);
  demux.feed("~out not*base64\n");
  demux.finish();
  EXPECT_EQ(r.out, "");
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("~out"), std::string::npos);
}

TEST(ConsoleDemux, LongLinesAreCutAndTheRestDropped) {
  Recorder r;
  ConsoleDemux demux(r.sink(), nullptr);
  std::string huge(ConsoleDemux::MAX_LINE * 3 + 5, 'x');
  demux.feed(huge.substr(0, 1000));
  demux.feed(huge.substr(1000));
  demux.feed("\nok 1 after\n");
  demux.finish();
  ASSERT_EQ(r.ktap.size(), 2u);
  EXPECT_EQ(r.ktap[0].size(), ConsoleDemux::MAX_LINE);
  EXPECT_EQ(r.ktap[1], "ok 1 after");
  EXPECT_EQ(r.warnings.size(), 1u);
}

TEST(ConsoleDemux, LastLineWithoutNewlineIsPartial) {
  Recorder r;
  ConsoleDemux demux(r.sink(), nullptr);
  demux.feed("ok 1 a\nnot o");
  demux.finish();
  demux.feed("more\n");  // Ignored after finish().
  EXPECT_EQ(r.ktap, std::vector<std::string>{"ok 1 a"});
  EXPECT_EQ(r.partial, std::vector<std::string>{"not o"});
}

TEST(ConsoleDemux, ControlBytesPassThroughToTheParser) {
  Recorder r;
  ConsoleDemux demux(r.sink(), nullptr);
  demux.feed(std::string("\x00\x1b[2J\x07\n", 7));
  demux.finish();
  ASSERT_EQ(r.ktap.size(), 1u);
  EXPECT_EQ(r.ktap[0], std::string("\x00\x1b[2J\x07", 6));
}

}  // namespace
}  // namespace maplet::runner
