// The command-line words of the user suites: maplet.user_timeout= (whole seconds, default 20,
// anything else ignored) and maplet.check_mm=1; and no user suites without an initramfs.

#include <gtest/gtest.h>

#include "kernel/arch/timer.h"
#include "kernel/proc/user_suites.h"

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
