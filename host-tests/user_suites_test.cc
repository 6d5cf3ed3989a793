// The command-line words of the user suites: maplet.user_timeout= (whole seconds, default 20,
// anything else ignored) and maplet.check_mm=1; no user suites without an initramfs; and the
// programs past the capacity or with too long a name reported by a failing case.

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "host-tests/cpio_builder.h"
#include "kernel/arch/timer.h"
#include "kernel/proc/user_suites.h"
#include "kernel/test/ktap.h"

namespace {

SchedulerOptions options(const char* cmdline) {
  BootInfo info{};
  info.arch_name = "arm64";
  info.cmdline = cmdline;
  return user_scheduler_options(info);
}

}  // namespace

TEST(UserSuites, TimeoutAndPageTableCheckFromTheCommandLine) {
  const uint64_t second = arch_counter_frequency();
  EXPECT_EQ(options("").time_limit_ticks, 20 * second);
  EXPECT_FALSE(options("").check_mm);
  EXPECT_EQ(options("maplet.user_timeout=2 maplet.check_mm=1").time_limit_ticks, 2 * second);
  EXPECT_TRUE(options("maplet.user_timeout=2 maplet.check_mm=1").check_mm);
  for (const char* bad : {"maplet.user_timeout=", "maplet.user_timeout=0", "maplet.user_timeout=2s",
                          "maplet.user_timeout=123456"}) {
    EXPECT_EQ(options(bad).time_limit_ticks, 20 * second) << bad;
  }
  EXPECT_FALSE(options("maplet.check_mm=0").check_mm);
}

TEST(UserSuites, NoneWithoutAnInitramfs) {
  BootInfo info{};
  info.arch_name = "arm64";
  info.cmdline = "";
  EXPECT_EQ(user_suites(info).count, 0u);
  info.arch_name = "sparc";
  EXPECT_EQ(user_suites(info).count, 0u);
}

namespace {

void append(void* context, const char* s, size_t n) {
  static_cast<std::string*>(context)->append(s, n);
}

// The suites of an initramfs holding `count` programs under /p/ (named p00, p01, ...) and the
// oracle's /init, with maplet.oracle=1; `archive` keeps the bytes the BootInfo points at.
ktest::ExternalSuites oracle_suites(unsigned count, std::vector<uint8_t>& archive, BootInfo& info,
                                    const char* extra = nullptr) {
  std::vector<CpioSpec> entries{{.name = "init", .data = "x"}};
  for (unsigned i = 0; i < count; i++) {
    char name[16];
    std::snprintf(name, sizeof(name), "p/p%02u", i);
    entries.push_back({.name = name, .data = "x"});
  }
  if (extra != nullptr) entries.push_back({.name = extra, .data = "x"});
  archive = build_cpio(entries);
  info = BootInfo{};
  info.arch_name = "arm64";
  info.cmdline = "maplet.oracle=1";
  info.initrd.base = reinterpret_cast<uint64_t>(archive.data());
  info.initrd.size = archive.size();
  return user_suites(info);
}

// What the suite at `index` prints when run.
std::string run_suite(const ktest::ExternalSuites& suites, unsigned index) {
  std::string text;
  Sink sink(&append, &text);
  ktest::KtapWriter writer(sink);
  const ktest::Counts counts = suites.run(suites.context, index, writer, sink, index + 1);
  return text + (counts.failed != 0 ? "(failed)" : "(not failed)");
}

}  // namespace

TEST(UserSuites, AllProgramsUpToTheCapacityAndNoReport) {
  std::vector<uint8_t> archive;
  BootInfo info;
  const ktest::ExternalSuites suites = oracle_suites(63, archive, info);
  EXPECT_EQ(suites.count, 64u);  // /init and the 63 programs
  EXPECT_TRUE(suites.selected(suites.context, 63, "oracle_p62.observation"));
  EXPECT_FALSE(suites.selected(suites.context, 63, "oracle_programs.*"));
}

TEST(UserSuites, ProgramsPastTheCapacityFailACaseOfTheirOwn) {
  std::vector<uint8_t> archive;
  BootInfo info;
  const ktest::ExternalSuites suites = oracle_suites(66, archive, info);
  ASSERT_EQ(suites.count, 65u);  // 64 run, then the report of the 3 left out
  EXPECT_TRUE(suites.selected(suites.context, 63, "oracle_p62.observation"));
  EXPECT_TRUE(suites.selected(suites.context, 64, "oracle_programs.left_out"));
  EXPECT_TRUE(suites.selected(suites.context, 64, "oracle_*"));
  EXPECT_FALSE(suites.selected(suites.context, 64, "oracle_p6*"));
  const std::string text = run_suite(suites, 64);
  EXPECT_NE(text.find("not ok 1 left_out"), std::string::npos) << text;
  EXPECT_NE(text.find("3 programs not run"), std::string::npos) << text;
  EXPECT_NE(text.find("the first p63"), std::string::npos) << text;
  EXPECT_NE(text.find("(failed)"), std::string::npos) << text;
}

TEST(UserSuites, AProgramWithATooLongNameFailsTheReport) {
  std::vector<uint8_t> archive;
  BootInfo info;
  const std::string fits = "p/" + std::string(40, 'a');
  EXPECT_EQ(oracle_suites(2, archive, info, fits.c_str()).count, 4u);
  const std::string too_long = "p/" + std::string(41, 'b');
  const ktest::ExternalSuites suites = oracle_suites(2, archive, info, too_long.c_str());
  ASSERT_EQ(suites.count, 4u);  // /init, p00, p01, the report
  const std::string text = run_suite(suites, 3);
  EXPECT_NE(text.find("1 programs not run"), std::string::npos) << text;
  EXPECT_NE(text.find("(failed)"), std::string::npos) << text;
}
