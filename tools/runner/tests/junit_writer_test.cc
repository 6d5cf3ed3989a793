// JUnit XML: structure, counts, and escaping of whatever a console can contain.

#include "tools/runner/junit_writer.h"

#include <gtest/gtest.h>

#include <sstream>

namespace maplet::runner {
namespace {

CaseResult make(std::string suite, std::string name, Outcome outcome, std::string message = "",
                std::vector<std::string> diagnostics = {}) {
  CaseResult c;
  c.suite = std::move(suite);
  c.name = std::move(name);
  c.outcome = outcome;
  c.message = std::move(message);
  c.diagnostics = std::move(diagnostics);
  return c;
}

std::string write(const std::vector<ArchReport>& reports) {
  std::ostringstream out;
  write_junit(out, reports);
  return out.str();
}

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(XmlEscape, MarkupCharacters) {
  EXPECT_EQ(xml_escape("a<b>&\"c'", false), "a&lt;b&gt;&amp;\"c'");
  EXPECT_EQ(xml_escape("a<b>&\"c'", true), "a&lt;b&gt;&amp;&quot;c&apos;");
}

TEST(XmlEscape, LineBreaksSurviveInAttributes) {
  EXPECT_EQ(xml_escape("1\n2\t3\r", true), "1&#10;2&#9;3&#13;");
  EXPECT_EQ(xml_escape("1\n2\t3", false), "1\n2\t3");
}

TEST(XmlEscape, ControlBytesBecomeVisibleEscapes) {
  EXPECT_EQ(xml_escape(std::string("a\0b\x1b[0m\x7f", 8), false), "a\\x00b\\x1b[0m\\x7f");
}

TEST(XmlEscape, ValidUtf8IsKeptInvalidIsReplaced) {
  EXPECT_EQ(xml_escape("caf\xc3\xa9 \xe2\x9c\x93", false), "caf\xc3\xa9 \xe2\x9c\x93");
  EXPECT_EQ(xml_escape("\xff", false), "\xef\xbf\xbd");
  EXPECT_EQ(xml_escape("\xc3", false), "\xef\xbf\xbd");                  // Cut sequence.
  EXPECT_EQ(xml_escape("\xc0\xaf", false), "\xef\xbf\xbd\xef\xbf\xbd");  // Overlong '/'.
  EXPECT_EQ(xml_escape("\xed\xa0\x80", false), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

TEST(JunitWriter, OneSuitePerArchAndKtapSuite) {
  ArchReport arm{"arm64",
                 {make("format", "decimal", Outcome::kPass),
                  make("format", "width", Outcome::kFail, "EXPECT_EQ failed",
                       {"EXPECT_EQ failed at format.cc:42", "left: n < 5"}),
                  make("trap", "undef", Outcome::kSkip, "needs <MTE>")},
                 "build/artifacts/arm64/console.log"};
  ArchReport ppc{"powerpc", {make("format", "decimal", Outcome::kPass)}, "p.log"};
  std::string xml = write({arm, ppc});
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", 0), 0u);
  EXPECT_NE(xml.find("<testsuites name=\"maplet\" tests=\"4\" failures=\"1\" errors=\"0\" "
                     "skipped=\"1\">"),
            std::string::npos);
  EXPECT_NE(xml.find("<testsuite name=\"arm64.format\" tests=\"2\" failures=\"1\""),
            std::string::npos);
  EXPECT_NE(xml.find("<testsuite name=\"arm64.trap\" tests=\"1\" failures=\"0\" errors=\"0\" "
                     "skipped=\"1\""),
            std::string::npos);
  EXPECT_NE(xml.find("<testsuite name=\"powerpc.format\" tests=\"1\""), std::string::npos);
  EXPECT_NE(xml.find("<testcase classname=\"arm64.format\" name=\"decimal\" time=\"0.000\"/>"),
            std::string::npos);
  EXPECT_NE(xml.find("<failure message=\"EXPECT_EQ failed\" type=\"ktap\">"
                     "EXPECT_EQ failed at format.cc:42\nleft: n &lt; 5\n</failure>"),
            std::string::npos);
  EXPECT_NE(xml.find("<skipped message=\"needs &lt;MTE&gt;\"/>"), std::string::npos);
  EXPECT_NE(xml.find("value=\"build/artifacts/arm64/console.log\""), std::string::npos);
  EXPECT_EQ(count(xml, "<testsuite "), 3u);
  EXPECT_EQ(count(xml, "</testsuite>"), 3u);
  EXPECT_EQ(count(xml, "<testcase "), 4u);
  EXPECT_EQ(xml.substr(xml.size() - 14), "</testsuites>\n");
}

TEST(JunitWriter, RunnerFailuresAndTopLevelCases) {
  CaseResult timeout = make("qemu", "timeout", Outcome::kFail, "killed at 60 s");
  timeout.synthesized = true;
  ArchReport arm{"arm64", {make("", "lonely", Outcome::kPass), timeout}, "c.log"};
  std::string xml = write({arm});
  EXPECT_NE(xml.find("<testsuite name=\"arm64\" tests=\"1\""), std::string::npos);
  EXPECT_NE(xml.find("<testsuite name=\"arm64.qemu\" tests=\"1\" failures=\"1\""),
            std::string::npos);
  EXPECT_NE(xml.find("type=\"runner\""), std::string::npos);
}

TEST(JunitWriter, HostileNamesCannotBreakTheDocument) {
  ArchReport arm{"arm64",
                 {make("s\"<x>", "a&b\x01", Outcome::kFail, "</failure>", {"]]> <!-- \xff"})},
                 "c.log"};
  std::string xml = write({arm});
  EXPECT_EQ(xml.find("<x>"), std::string::npos);
  EXPECT_EQ(count(xml, "</failure>"), 1u);
  EXPECT_NE(xml.find("name=\"a&amp;b\\x01\""), std::string::npos);
  EXPECT_NE(xml.find("]]&gt; &lt;!-- \xef\xbf\xbd"), std::string::npos);
}

TEST(JunitWriter, NoArchesStillWellFormed) {
  EXPECT_EQ(write({}),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"maplet\" tests=\"0\" "
            "failures=\"0\" errors=\"0\" skipped=\"0\">\n</testsuites>\n");
}

}  // namespace
}  // namespace maplet::runner
