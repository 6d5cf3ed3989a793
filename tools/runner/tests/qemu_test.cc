// QEMU command lines and the version gate.

#include "tools/runner/qemu.h"

#include <gtest/gtest.h>

#include "tools/runner/tests/test_util.h"

namespace maplet::runner {
namespace {

using test_support::tests_dir;

TEST(QemuVersion, ParsesRealBanners) {
  auto v = parse_qemu_version(
      "QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)\nCopyright (c)");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->major, 10);
  EXPECT_EQ(v->minor, 0);
  EXPECT_EQ(v->micro, 2);
  v = parse_qemu_version("QEMU emulator version 7.2.15 (Debian 1:7.2+dfsg-7+deb12u16)");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->major, 7);
  EXPECT_EQ(v->minor, 2);
  v = parse_qemu_version("QEMU emulator version 8.0\n");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->minor, 0);
  EXPECT_FALSE(parse_qemu_version("qemu-img version 10.0.2"));
  EXPECT_FALSE(parse_qemu_version("QEMU emulator version x"));
}

TEST(QemuVersion, Gate) {
  EXPECT_TRUE(version_at_least({8, 0, 0}, MIN_QEMU_VERSION));
  EXPECT_TRUE(version_at_least({10, 0, 2}, MIN_QEMU_VERSION));
  EXPECT_FALSE(version_at_least({7, 2, 15}, MIN_QEMU_VERSION));
  EXPECT_TRUE(version_at_least({8, 1, 0}, {8, 0, 5}));
  EXPECT_FALSE(version_at_least({8, 0, 4}, {8, 0, 5}));
}

TEST(QemuSetup, Arm64CommandLine) {
  Options o;
  o.filter = "format.*";
  o.append = "maplet.verbose=1";
  o.qemu_args = {"-s"};
  ArchSetup s = arch_setup("arm64", o);
  EXPECT_EQ(s.qemu_binary, "qemu-system-aarch64");
  EXPECT_EQ(s.kernel, "build/arm64/maplet.bin");
  EXPECT_EQ(s.argv, (std::vector<std::string>{
                        "qemu-system-aarch64",
                        "-M",
                        "virt,mte=on",
                        "-cpu",
                        "max",
                        "-m",
                        "256M",
                        "-display",
                        "none",
                        "-monitor",
                        "none",
                        "-serial",
                        "stdio",
                        "-nic",
                        "none",
                        "-semihosting-config",
                        "enable=on,target=native",
                        "-kernel",
                        "build/arm64/maplet.bin",
                        "-append",
                        "maplet.filter=format.* maplet.expect_mem=256M maplet.verbose=1",
                        "-s"}));
}

TEST(QemuSetup, PowerpcCommandLineWithOverrides) {
  Options o;
  o.kernel["powerpc"] = "k.elf";
  o.qemu_binary["powerpc"] = "/opt/qemu/bin/qemu-system-ppc64";
  ArchSetup s = arch_setup("powerpc", o);
  EXPECT_EQ(s.argv, (std::vector<std::string>{"/opt/qemu/bin/qemu-system-ppc64",
                                              "-M",
                                              "pseries,x-vof=on",
                                              "-m",
                                              "256M",
                                              "-display",
                                              "none",
                                              "-vga",
                                              "none",
                                              "-monitor",
                                              "none",
                                              "-serial",
                                              "stdio",
                                              "-nic",
                                              "none",
                                              "-action",
                                              "panic=exit-failure",
                                              "-kernel",
                                              "k.elf",
                                              "-append",
                                              "maplet.filter=* maplet.expect_mem=256M"}));
}

TEST(QemuCheck, AcceptsNewQemu) {
  Options o;
  o.qemu_binary["arm64"] = (tests_dir() / "fake_qemu.sh").string();
  EXPECT_EQ(check_qemu(arch_setup("arm64", o)), "");
}

TEST(QemuCheck, RefusesQemu72) {
  Options o;
  o.qemu_binary["arm64"] = (tests_dir() / "fake_qemu_old.sh").string();
  std::string error = check_qemu(arch_setup("arm64", o));
  EXPECT_NE(error.find("is QEMU 7.2.15, but Maplet needs 8.0.0 or newer"), std::string::npos)
      << error;
  EXPECT_NE(error.find("scripts/install-deps.sh"), std::string::npos);
}

TEST(QemuCheck, MissingBinaryIsNamed) {
  Options o;
  o.qemu_binary["powerpc"] = "qemu-system-does-not-exist";
  std::string error = check_qemu(arch_setup("powerpc", o));
  EXPECT_NE(error.find("qemu-system-does-not-exist not found (needed for --arch powerpc)"),
            std::string::npos)
      << error;
}

TEST(QemuCheck, UnparsableVersionIsRefused) {
  Options o;
  o.qemu_binary["arm64"] = "/bin/true";
  EXPECT_NE(check_qemu(arch_setup("arm64", o)).find("cannot tell the version"), std::string::npos);
}

}  // namespace
}  // namespace maplet::runner
