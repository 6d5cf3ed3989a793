// maplet-run's option parser.

#include "tools/runner/options.h"

#include <gtest/gtest.h>

#include <initializer_list>

namespace maplet::runner {
namespace {

ParsedOptions parse(std::initializer_list<const char*> args) {
  std::vector<const char*> v(args);
  return parse_options(v);
}

TEST(Options, Defaults) {
  auto p = parse({});
  ASSERT_TRUE(p.options) << p.error;
  const Options& o = *p.options;
  EXPECT_EQ(o.arches, (std::vector<std::string>{"arm64", "powerpc"}));
  EXPECT_EQ(o.filter, "*");
  EXPECT_EQ(o.timeout_seconds, 60);
  EXPECT_EQ(o.junit, "");
  EXPECT_EQ(o.artifacts, "build/artifacts");
  EXPECT_EQ(o.jobs, 0);
  EXPECT_TRUE(o.qemu_args.empty());
  EXPECT_FALSE(o.verbose);
}

TEST(Options, EveryOption) {
  auto p = parse({"--arch",
                  "powerpc",
                  "--filter=format.*",
                  "--timeout",
                  "2.5",
                  "--junit",
                  "out.xml",
                  "--artifacts=art",
                  "-j",
                  "1",
                  "--qemu-arg",
                  "-s",
                  "--qemu-arg=-S",
                  "--append",
                  "a=1",
                  "--append",
                  "b=2",
                  "--verbose",
                  "--kernel-arm64",
                  "k.bin",
                  "--kernel-powerpc=k.elf",
                  "--qemu-binary-arm64",
                  "q1",
                  "--qemu-binary-powerpc",
                  "q2"});
  ASSERT_TRUE(p.options) << p.error;
  const Options& o = *p.options;
  EXPECT_EQ(o.arches, std::vector<std::string>{"powerpc"});
  EXPECT_EQ(o.filter, "format.*");
  EXPECT_EQ(o.timeout_seconds, 2.5);
  EXPECT_EQ(o.junit, "out.xml");
  EXPECT_EQ(o.artifacts, "art");
  EXPECT_EQ(o.jobs, 1);
  EXPECT_EQ(o.qemu_args, (std::vector<std::string>{"-s", "-S"}));
  EXPECT_EQ(o.append, "a=1 b=2");
  EXPECT_TRUE(o.verbose);
  EXPECT_EQ(o.kernel.at("arm64"), "k.bin");
  EXPECT_EQ(o.kernel.at("powerpc"), "k.elf");
  EXPECT_EQ(o.qemu_binary.at("arm64"), "q1");
  EXPECT_EQ(o.qemu_binary.at("powerpc"), "q2");
}

TEST(Options, ArchListsAndAliasesAreDeduplicated) {
  auto p = parse({"--arch", "ppc64,arm64", "--arch=all"});
  ASSERT_TRUE(p.options) << p.error;
  EXPECT_EQ(p.options->arches, (std::vector<std::string>{"powerpc", "arm64"}));
}

TEST(Options, CompactJobs) {
  auto p = parse({"-j2"});
  ASSERT_TRUE(p.options) << p.error;
  EXPECT_EQ(p.options->jobs, 2);
}

TEST(Options, Help) {
  auto p = parse({"--help"});
  ASSERT_TRUE(p.options);
  EXPECT_TRUE(p.options->help);
  EXPECT_NE(usage_text().find("--qemu-binary-powerpc"), std::string::npos);
}

TEST(Options, Errors) {
  struct Case {
    std::initializer_list<const char*> args;
    const char* error;
  };
  const Case cases[] = {
      {{"--arch", "x86"}, "unknown arch 'x86'"},
      {{"--arch"}, "--arch needs a value"},
      {{"--timeout", "0"}, "--timeout needs"},
      {{"--timeout", "-1"}, "--timeout needs"},
      {{"--timeout", "5s"}, "--timeout needs"},
      {{"--timeout=nan"}, "--timeout needs"},
      {{"-j", "0"}, "-j needs"},
      {{"-jx"}, "-j needs"},
      {{"--filter", "a b"}, "whitespace"},
      {{"--filter="}, "--filter needs"},
      {{"--junit"}, "--junit needs"},
      {{"--bogus"}, "unknown argument '--bogus'"},
      {{"positional"}, "unknown argument 'positional'"},
  };
  for (const auto& c : cases) {
    auto p = parse(c.args);
    EXPECT_FALSE(p.options) << *c.args.begin();
    EXPECT_NE(p.error.find(c.error), std::string::npos) << p.error;
  }
}

}  // namespace
}  // namespace maplet::runner
