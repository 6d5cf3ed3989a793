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
  EXPECT_EQ(o.arches, (std::vector<std::string>{"arm64", "powerpc", "powerpc64le"}));
  EXPECT_TRUE(o.configs.empty());
  EXPECT_EQ(o.config_file, "tools/runner/boot-configs.cfg");
  EXPECT_EQ(o.filter, "");  // Each configuration's own.
  EXPECT_EQ(o.memory, "");
  EXPECT_EQ(o.timeout_seconds, 0);
  EXPECT_EQ(o.junit, "");
  EXPECT_EQ(o.artifacts, "build/artifacts");
  EXPECT_EQ(o.jobs, 0);
  EXPECT_TRUE(o.qemu_args.empty());
  EXPECT_FALSE(o.verbose);
  EXPECT_FALSE(o.list);
  EXPECT_FALSE(o.failed);
  EXPECT_FALSE(o.gdb);
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
                  "q2",
                  "--config",
                  "arm64,powerpc-power10",
                  "--config=all",
                  "--config-file",
                  "t.cfg",
                  "--memory",
                  "1280M",
                  "--list"});
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
  EXPECT_EQ(o.configs, (std::vector<std::string>{"arm64", "powerpc-power10", "all"}));
  EXPECT_EQ(o.config_file, "t.cfg");
  EXPECT_EQ(o.memory, "1280M");
  EXPECT_TRUE(o.list);
}

TEST(Options, GdbAndFailed) {
  auto p = parse({"--gdb", "--failed"});
  ASSERT_TRUE(p.options) << p.error;
  EXPECT_TRUE(p.options->gdb);
  EXPECT_TRUE(p.options->failed);
}

// What `make run RUN_ARGS="--arch ppc64"` does: the Makefile's --arch all comes first.
TEST(Options, LastArchWins) {
  auto p = parse({"--arch", "all", "--arch", "ppc64"});
  ASSERT_TRUE(p.options) << p.error;
  EXPECT_EQ(p.options->arches, std::vector<std::string>{"powerpc"});
}

// Every single-valued option keeps the last value; list-valued ones add up.
TEST(Options, RepeatedSingleValuedOptionsKeepTheLast) {
  auto p = parse({"--filter",    "a.*",
                  "--filter",    "b.*",
                  "--timeout",   "5",
                  "--timeout",   "6",
                  "--junit",     "1.xml",
                  "--junit",     "2.xml",
                  "--artifacts", "d1",
                  "--artifacts", "d2",
                  "-j",          "1",
                  "-j2",         "--memory",
                  "512M",        "--memory",
                  "2G",          "--kernel-arm64",
                  "k1",          "--kernel-arm64",
                  "k2",          "--qemu-binary-powerpc",
                  "q1",          "--qemu-binary-powerpc",
                  "q2",          "--config-file",
                  "c1",          "--config-file",
                  "c2"});
  ASSERT_TRUE(p.options) << p.error;
  const Options& o = *p.options;
  EXPECT_EQ(o.filter, "b.*");
  EXPECT_EQ(o.timeout_seconds, 6);
  EXPECT_EQ(o.junit, "2.xml");
  EXPECT_EQ(o.artifacts, "d2");
  EXPECT_EQ(o.jobs, 2);
  EXPECT_EQ(o.memory, "2G");
  EXPECT_EQ(o.kernel.at("arm64"), "k2");
  EXPECT_EQ(o.qemu_binary.at("powerpc"), "q2");
  EXPECT_EQ(o.config_file, "c2");
}

TEST(Options, MemorySizes) {
  for (const char* good : {"256M", "1280M", "3G", "12G"}) EXPECT_TRUE(valid_memory_size(good));
  for (const char* bad : {"", "M", "256", "256K", "0M", "0256M", "2g", "1.5G", "-1G", "256MB"}) {
    EXPECT_FALSE(valid_memory_size(bad)) << bad;
  }
}

TEST(Options, ArchListsAndAliasesAreDeduplicated) {
  auto p = parse({"--arch", "ppc64,arm64,powerpc,aarch64"});
  ASSERT_TRUE(p.options) << p.error;
  EXPECT_EQ(p.options->arches, (std::vector<std::string>{"powerpc", "arm64"}));
  auto le = parse({"--arch", "ppc64le,powerpc64le,ppc64el,ppc64"});
  ASSERT_TRUE(le.options) << le.error;
  EXPECT_EQ(le.options->arches, (std::vector<std::string>{"powerpc64le", "powerpc"}));
  auto all = parse({"--arch", "all"});
  ASSERT_TRUE(all.options) << all.error;
  EXPECT_EQ(all.options->arches, (std::vector<std::string>{"arm64", "powerpc", "powerpc64le"}));
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
      {{"--config"}, "--config needs"},
      {{"--config", "arm64,,powerpc"}, "--config needs"},
      {{"--config="}, "--config needs"},
      {{"--memory", "256"}, "--memory needs a size"},
      {{"--config-file="}, "--config-file needs"},
      {{"--failed", "--filter", "a.*"}, "leave out --filter"},
      {{"--gdb", "--list"}, "do not go together"},
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

namespace maplet::runner {
namespace {

ParsedOptions parse_exec(std::initializer_list<const char*> args) {
  std::vector<const char*> v(args);
  return parse_options(std::span<const char* const>(v.data(), v.size()));
}

TEST(ExecOptions, ProgramArgumentsAfterTheSeparator) {
  auto p = parse_exec(
      {"--exec", "prog", "--stdin", "in.txt", "--timeout", "3", "--", "--arch", "x", "--"});
  ASSERT_TRUE(p.options) << p.error;
  EXPECT_TRUE(p.exec);
  EXPECT_EQ(p.options->exec, "prog");
  EXPECT_EQ(p.options->stdin_file, "in.txt");
  EXPECT_EQ(p.options->timeout_seconds, 3);
  // Everything after the first "--" is the program's, options included.
  EXPECT_EQ(p.options->exec_args, (std::vector<std::string>{"--arch", "x", "--"}));
  EXPECT_FALSE(p.options->arch_given);
  auto arch = parse_exec({"--arch", "powerpc", "--exec=prog"});
  ASSERT_TRUE(arch.options) << arch.error;
  EXPECT_TRUE(arch.options->arch_given);
  EXPECT_EQ(arch.options->arches, (std::vector<std::string>{"powerpc"}));
}

TEST(ExecOptions, WhatDoesNotGoWithExec) {
  for (auto args : {std::vector<const char*>{"--exec", "p", "--list"},
                    std::vector<const char*>{"--exec", "p", "--filter", "x.*"},
                    std::vector<const char*>{"--exec", "p", "--config", "arm64"},
                    std::vector<const char*>{"--exec", "p", "--junit", "j.xml"}}) {
    auto p = parse_options(std::span<const char* const>(args.data(), args.size()));
    EXPECT_FALSE(p.options);
    EXPECT_TRUE(p.exec);
    EXPECT_NE(p.error.find("--exec runs one program"), std::string::npos) << p.error;
  }
  auto all = parse_exec({"--exec", "p", "--arch", "all"});
  EXPECT_FALSE(all.options);
  EXPECT_NE(all.error.find("--exec needs one arch"), std::string::npos) << all.error;
  // Without --exec: "--" and --stdin are errors, and not exec mode's.
  auto dash = parse_exec({"--", "x"});
  EXPECT_FALSE(dash.options);
  EXPECT_FALSE(dash.exec);
  EXPECT_EQ(dash.error, "'--' (program arguments) goes only with --exec");
  auto input = parse_exec({"--stdin", "f"});
  EXPECT_FALSE(input.options);
  EXPECT_EQ(input.error, "--stdin goes only with --exec");
  // An "--exec" after "--" is a program argument, so not exec mode.
  EXPECT_FALSE(parse_exec({"--", "--exec", "p"}).exec);
}

}  // namespace
}  // namespace maplet::runner
