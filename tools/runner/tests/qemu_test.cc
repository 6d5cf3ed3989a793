// QEMU command lines and the version gate.

#include "tools/runner/qemu.h"

#include <gtest/gtest.h>

#include <algorithm>

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

BootConfig arm64_config() {
  BootConfig c;
  c.name = "arm64";
  c.arch = "arm64";
  c.machine = "virt,mte=on";
  c.cpu = "max";
  c.memory = "256M";
  return c;
}

BootConfig powerpc_config() {
  BootConfig c;
  c.name = "powerpc-odd";
  c.arch = "powerpc";
  c.machine = "pseries,x-vof=on";
  c.memory = "1280M";
  c.qemu_args = {"-smp", "2"};
  c.append = "maplet.x=1";
  c.filter = "vma_tree.*";
  c.timeout_seconds = 7;
  return c;
}

TEST(QemuSetup, Arm64CommandLine) {
  Options o;
  o.filter = "format.*";
  o.append = "maplet.verbose=1";
  o.qemu_args = {"-s"};
  ArchSetup s = arch_setup(arm64_config(), o);
  EXPECT_EQ(s.name, "arm64");
  EXPECT_EQ(s.qemu_binary, "qemu-system-aarch64");
  EXPECT_EQ(s.kernel, "build/arm64/maplet.bin");
  EXPECT_EQ(s.timeout_seconds, 60);
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
                        "maplet.filter=format.* maplet.expect_mem=256M maplet.verbose=1" +
                            host_dir_word(s, o),
                        "-s"}));
}

TEST(QemuSetup, PowerpcConfigurationWithOverrides) {
  Options o;
  o.kernel["powerpc"] = "k.elf";
  o.qemu_binary["powerpc"] = "/opt/qemu/bin/qemu-system-ppc64";
  o.append = "extra";
  ArchSetup s = arch_setup(powerpc_config(), o);
  EXPECT_EQ(s.name, "powerpc-odd");
  EXPECT_EQ(s.filter, "vma_tree.*");
  EXPECT_EQ(s.timeout_seconds, 7);
  EXPECT_EQ(s.argv, (std::vector<std::string>{"/opt/qemu/bin/qemu-system-ppc64",
                                              "-M",
                                              "pseries,x-vof=on",
                                              "-m",
                                              "1280M",
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
                                              "-smp",
                                              "2",
                                              "-kernel",
                                              "k.elf",
                                              "-append",
                                              "maplet.filter=vma_tree.* maplet.expect_mem=1280M "
                                              "maplet.x=1 extra" +
                                                  host_dir_word(s, o)}));
}

TEST(QemuSetup, MemoryOptionSetsQemuAndTheKernelsExpectation) {
  Options o;
  o.memory = "3G";
  o.timeout_seconds = 2;
  ArchSetup s = arch_setup(powerpc_config(), o);
  auto m = std::find(s.argv.begin(), s.argv.end(), "-m");
  ASSERT_NE(m, s.argv.end());
  EXPECT_EQ(*(m + 1), "3G");
  EXPECT_EQ(std::count(s.argv.begin(), s.argv.end(), "-m"), 1);
  EXPECT_EQ(s.argv.back(),
            "maplet.filter=vma_tree.* maplet.expect_mem=3G maplet.x=1" + host_dir_word(s, o));
  EXPECT_EQ(s.timeout_seconds, 2);
}

TEST(QemuSetup, ListAsksTheKernelToList) {
  Options o;
  o.list = true;
  const ArchSetup s = arch_setup(arm64_config(), o);
  EXPECT_EQ(s.argv.back(),
            "maplet.filter=* maplet.expect_mem=256M maplet.list=1" + host_dir_word(s, o));
}

// Kernels learn where their large artifacts go (arm64 through semihosting, powerpc through guest
// RAM): this configuration's artifacts directory, absolute.
TEST(QemuSetup, KernelsGetTheirArtifactsDirectoryForHostFiles) {
  Options o;
  o.artifacts = "/tmp/maplet-x/artifacts";
  EXPECT_EQ(host_dir_word(arch_setup(arm64_config(), o), o),
            " maplet.host_dir=/tmp/maplet-x/artifacts/arm64");
  EXPECT_EQ(host_dir_word(arch_setup(powerpc_config(), o), o),
            " maplet.host_dir=/tmp/maplet-x/artifacts/powerpc-odd");
  o.artifacts = "/tmp/with blank";
  EXPECT_EQ(host_dir_word(arch_setup(arm64_config(), o), o), "");
}

// powerpc's RAM becomes the runner's file, of the machine's size.
TEST(QemuSetup, GuestRamIsTheGivenFile) {
  Options o;
  o.memory = "768M";
  ArchSetup s = arch_setup(powerpc_config(), o);
  const size_t before = s.argv.size();
  attach_guest_ram(s, "/proc/1/fd/9");
  EXPECT_EQ(std::vector<std::string>(s.argv.begin() + static_cast<long>(before), s.argv.end()),
            (std::vector<std::string>{"-object",
                                      "memory-backend-file,id=maplet-ram,share=on,mem-path=/proc/"
                                      "1/fd/9,size=768M",
                                      "-machine", "memory-backend=maplet-ram"}));
}

// --exec's boot names its own directory, where its console log and cores go.
TEST(QemuSetup, HostDirOverridesTheConfigurationsDirectory) {
  Options o;
  o.artifacts = "/tmp/maplet-x/artifacts";
  o.host_dir = "/tmp/maplet-x/artifacts/exec";
  EXPECT_EQ(host_dir_word(arch_setup(arm64_config(), o), o),
            " maplet.host_dir=/tmp/maplet-x/artifacts/exec");
  EXPECT_EQ(host_dir_word(arch_setup(powerpc_config(), o), o),
            " maplet.host_dir=/tmp/maplet-x/artifacts/exec");
}

TEST(QemuSetup, GdbWaitsForTheDebuggerWithoutTimeout) {
  Options o;
  o.gdb = true;
  o.timeout_seconds = 5;
  o.qemu_args = {"-d", "int"};
  ArchSetup s = arch_setup(arm64_config(), o);
  EXPECT_EQ(s.timeout_seconds, 0);
  std::vector<std::string> tail(s.argv.end() - 4, s.argv.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"-s", "-S", "-d", "int"}));
  EXPECT_EQ(gdb_command(s), "gdb-multiarch build/arm64/maplet.elf -ex 'target remote :1234'");
  o.kernel["powerpc"] = "my dir/k.elf";
  EXPECT_EQ(gdb_command(arch_setup(powerpc_config(), o)),
            "gdb-multiarch 'my dir/k.elf' -ex 'target remote :1234'");
}

TEST(QemuCheck, AcceptsNewQemu) {
  Options o;
  o.qemu_binary["arm64"] = (tests_dir() / "fake_qemu.sh").string();
  EXPECT_EQ(check_qemu(arch_setup(arm64_config(), o)), "");
}

TEST(QemuCheck, RefusesQemu72) {
  Options o;
  o.qemu_binary["arm64"] = (tests_dir() / "fake_qemu_old.sh").string();
  std::string error = check_qemu(arch_setup(arm64_config(), o));
  EXPECT_NE(error.find("is QEMU 7.2.15, but Maplet needs 8.0.0 or newer"), std::string::npos)
      << error;
  EXPECT_NE(error.find("scripts/install-deps.sh"), std::string::npos);
}

TEST(QemuCheck, MissingBinaryIsNamed) {
  Options o;
  o.qemu_binary["powerpc"] = "qemu-system-does-not-exist";
  std::string error = check_qemu(arch_setup(powerpc_config(), o));
  EXPECT_NE(error.find("qemu-system-does-not-exist not found (needed for --arch powerpc)"),
            std::string::npos)
      << error;
}

TEST(QemuCheck, UnparsableVersionIsRefused) {
  Options o;
  o.qemu_binary["arm64"] = "/bin/true";
  EXPECT_NE(check_qemu(arch_setup(arm64_config(), o)).find("cannot tell the version"),
            std::string::npos);
}

}  // namespace
}  // namespace maplet::runner
