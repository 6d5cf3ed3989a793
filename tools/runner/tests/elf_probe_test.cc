// The checks maplet-run --exec makes before it boots: every refusal with its reason, and the
// arch each accepted header names.
#include "tools/runner/elf_probe.h"

#include <gtest/gtest.h>

#include "tools/runner/tests/test_util.h"

namespace maplet::runner {
namespace {

using test_support::fake_elf;
using test_support::FakeElf;

class ElfProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir =
        test_support::scratch_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }
  ElfProbe probe(std::string_view bytes) {
    auto path = m_dir / "program";
    test_support::write_file(path, bytes);
    return probe_elf_executable(path.string());
  }
  std::filesystem::path m_dir;
};

TEST_F(ElfProbeTest, AcceptsStaticArm64AndPowerpcInBothByteOrders) {
  ElfProbe arm = probe(fake_elf({}));
  ASSERT_TRUE(arm.ok) << arm.error;
  EXPECT_EQ(arm.arch, "arm64");
  EXPECT_EQ(arm.bytes, fake_elf({}));
  ElfProbe ppc = probe(fake_elf({.machine = 21, .big = true}));
  ASSERT_TRUE(ppc.ok) << ppc.error;
  EXPECT_EQ(ppc.arch, "powerpc");
  // The byte order picks the kernel: little-endian powerpc64 runs on powerpc64le.
  ElfProbe ppc64le = probe(fake_elf({.machine = 21}));
  ASSERT_TRUE(ppc64le.ok) << ppc64le.error;
  EXPECT_EQ(ppc64le.arch, "powerpc64le");
  // A static PIE (ET_DYN without PT_INTERP) is a static program too.
  EXPECT_TRUE(probe(fake_elf({.type = 3})).ok);
}

TEST_F(ElfProbeTest, MissingFileAndDirectory) {
  ElfProbe missing = probe_elf_executable((m_dir / "absent").string());
  EXPECT_FALSE(missing.ok);
  EXPECT_TRUE(missing.missing);
  EXPECT_EQ(missing.error, "no such file");
  ElfProbe directory = probe_elf_executable(m_dir.string());
  EXPECT_FALSE(directory.ok);
  EXPECT_FALSE(directory.missing);
  EXPECT_EQ(directory.error, "is a directory, not a program");
}

TEST_F(ElfProbeTest, EmptyShortAndForeignFiles) {
  EXPECT_EQ(probe("").error, "empty file, not an ELF executable");
  EXPECT_EQ(probe("#!/bin/sh\necho hi\n").error, "not an ELF executable (no ELF magic)");
  EXPECT_EQ(probe(fake_elf({}).substr(0, 40)).error,
            "truncated ELF: 40 bytes, shorter than the 64-byte ELF header");
  std::string elf32 = fake_elf({});
  elf32[4] = 1;
  EXPECT_EQ(probe(elf32).error, "32-bit ELF (EI_CLASS 1); Maplet runs 64-bit programs");
  std::string no_order = fake_elf({});
  no_order[5] = 7;
  EXPECT_EQ(probe(no_order).error, "broken ELF header: byte order (EI_DATA) 7");
}

TEST_F(ElfProbeTest, WrongMachineOrByteOrder) {
  EXPECT_EQ(probe(fake_elf({.machine = 62})).error,
            "x86-64 ELF; Maplet runs arm64 and powerpc64 programs");
  EXPECT_EQ(probe(fake_elf({.big = true})).error,
            "big-endian arm64 ELF; Maplet's arm64 runs little-endian programs");
  EXPECT_EQ(probe(fake_elf({.type = 1})).error, "not an executable (ELF type 1)");
}

TEST_F(ElfProbeTest, DynamicExecutableNamesItsInterpreter) {
  EXPECT_EQ(probe(fake_elf({.interp = "/lib/ld-linux-aarch64.so.1"})).error,
            "dynamically linked (interpreter /lib/ld-linux-aarch64.so.1); Maplet runs static "
            "executables only: link with -static");
}

TEST_F(ElfProbeTest, TruncatedOrBrokenProgramHeaders) {
  std::string elf = fake_elf({});
  EXPECT_EQ(probe(elf.substr(0, 100)).error,
            "truncated ELF: the program headers end past the file's 100 bytes");
  // The PT_LOAD says the file is 8 bytes longer than it is.
  std::string short_segment = elf.substr(0, elf.size() - 8);
  EXPECT_EQ(probe(short_segment).error,
            "truncated ELF: segment 0's file bytes end past the file's " +
                std::to_string(short_segment.size()) + " bytes");
  std::string bad_size = elf;
  bad_size[54] = 32;
  EXPECT_EQ(probe(bad_size).error, "broken ELF header: 1 program headers of 32 bytes");
  std::string no_load = elf;
  no_load[64] = 4;  // PT_NOTE
  EXPECT_EQ(probe(no_load).error, "broken ELF: no loadable segment (PT_LOAD)");
}

}  // namespace
}  // namespace maplet::runner
