// A user program's KTAP nested as a suite of the kernel's stream, exactly as KUnit nests one,
// with the kernel's own last case, the cases a dying program never reported, and output that
// arrives in arbitrary pieces; and the base64 of the "~err" lines.

#include <gtest/gtest.h>

#include <string>

#include "kernel/lib/base64.h"
#include "kernel/proc/nested_ktap.h"

namespace {

struct Out {
  std::string text;
  Sink sink{[](void* s, const char* t, size_t n) { static_cast<std::string*>(s)->append(t, n); },
            &text};
};

std::string nest(const std::string& program, size_t piece, ktest::Status status,
                 ktest::Counts* counts = nullptr) {
  Out out;
  ktest::KtapWriter writer(out.sink);
  NestedKtap nested(writer, out.sink, "user_demo");
  for (size_t i = 0; i < program.size(); i += piece) {
    nested.sink().write(program.data() + i, std::min(piece, program.size() - i));
  }
  const ktest::Counts c = nested.finish(7, "exit_status", status, "exited with status 0");
  if (counts != nullptr) *counts = c;
  return out.text;
}

const char* const PROGRAM = "KTAP version 1\n1..2\n# hello\nok 1 first\nnot ok 2 second\n";

const char* const NESTED =
    "    KTAP version 1\n"
    "    # Subtest: user_demo\n"
    "    1..3\n"
    "    # hello\n"
    "    ok 1 first\n"
    "    not ok 2 second\n"
    "    # exited with status 0\n"
    "    ok 3 exit_status\n"
    "    # user_demo: pass:2 fail:1 skip:0 total:3\n"
    "    # Totals: pass:2 fail:1 skip:0 total:3\n"
    "not ok 7 user_demo\n";

}  // namespace

TEST(NestedKtap, NestsAProgramAsASuiteWithTheKernelsCase) {
  ktest::Counts counts;
  EXPECT_EQ(nest(PROGRAM, 1000, ktest::Status::Pass, &counts), NESTED);
  EXPECT_EQ(counts.passed, 2u);
  EXPECT_EQ(counts.failed, 1u);
}

TEST(NestedKtap, PiecesOfAnySizeGiveTheSameStream) {
  for (size_t piece : {1, 2, 3, 7, 16})
    EXPECT_EQ(nest(PROGRAM, piece, ktest::Status::Pass), NESTED);
}

TEST(NestedKtap, UnreportedCasesFailAndTheLastLineNeedsNoNewline) {
  const std::string out =
      nest("KTAP version 1\n1..3\nok 1 a # SKIP not here", 1000, ktest::Status::Fail);
  EXPECT_NE(out.find("    ok 1 a # SKIP not here\n"), std::string::npos);
  EXPECT_NE(out.find("    # case 2 was planned but never reported\n    not ok 2 unreported\n"),
            std::string::npos);
  EXPECT_NE(out.find("    not ok 3 unreported\n"), std::string::npos);
  EXPECT_NE(out.find("    not ok 4 exit_status\n"), std::string::npos);
  EXPECT_NE(out.find("# user_demo: pass:0 fail:3 skip:1 total:4\n"), std::string::npos);
}

TEST(NestedKtap, AProgramWithoutKtapStillMakesASuite) {
  const std::string out = nest("", 1, ktest::Status::Pass);
  EXPECT_EQ(out.substr(0, 52), "    KTAP version 1\n    # Subtest: user_demo\n    1..1");
  EXPECT_NE(out.find("    ok 1 exit_status\n"), std::string::npos);
  EXPECT_NE(out.find("\nok 7 user_demo\n"), std::string::npos);
}

TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    Out out;
    base64_encode(out.sink, plain, strlen(plain));
    EXPECT_EQ(out.text, encoded) << plain;
  }
}
