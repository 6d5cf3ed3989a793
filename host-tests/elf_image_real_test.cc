// The ELF reader against real static executables from the cross toolchains (glibc, GNU ld):
// each plan's segments, entry and program-header address must agree with `readelf -lW -h`.
// Skipped when a compiler is missing (scripts/install-deps.sh installs them).

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "host-tests/readelf.h"
#include "kernel/proc/elf_image.h"

namespace {

class RealBinaries : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/maplet-elf-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    m_dir = dir;
    std::ofstream(m_dir + "/prog.c") << "#include <stdio.h>\n"
                                        "static char bss[100000];\n"
                                        "int data = 7;\n"
                                        "int main(void) { bss[5] = 1; printf(\"%d\\n\", data);"
                                        " return bss[5]; }\n";
  }
  void TearDown() override { (void)run("rm -rf " + m_dir); }

  // Compiles prog.c; empty when the compiler is absent (the caller skips).
  std::string build(const char* compiler, const char* flags, const char* name) {
    if (!have(compiler)) return "";
    const std::string out = m_dir + "/" + name;
    const std::string log =
        run(std::string(compiler) + " " + flags + " -O2 -o " + out + " " + m_dir + "/prog.c 2>&1");
    EXPECT_EQ(log.rfind("FAILED:", 0), std::string::npos) << log;
    return out;
  }

  void expect_matches_readelf(const std::string& path, const ElfTarget& target, uint16_t type) {
    std::ifstream in(path, std::ios::binary);
    const std::vector<uint8_t> file((std::istreambuf_iterator<char>(in)),
                                    std::istreambuf_iterator<char>());
    const char* reason = "";
    Result<ElfImage> image = ElfImage::parse(file.data(), file.size(), target, &reason);
    ASSERT_TRUE(image.is_ok()) << path << ": " << reason;
    const ElfImage& elf = image.value();
    EXPECT_EQ(elf.type(), type);
    const std::vector<ReadelfLoad> loads = readelf_loads(path);
    ASSERT_EQ(elf.load_count(), loads.size());
    ASSERT_GE(loads.size(), 2u);
    uint64_t highest = 0;
    for (size_t i = 0; i < loads.size(); i++) {
      const ElfSegment s = elf.segment(i, 0);
      EXPECT_EQ(s.vaddr, loads[i].vaddr) << i;
      EXPECT_EQ(s.offset, loads[i].offset) << i;
      EXPECT_EQ(s.filesz, loads[i].filesz) << i;
      EXPECT_EQ(s.memsz, loads[i].memsz) << i;
      EXPECT_EQ(s.prot, prot_of(loads[i].flags)) << i;
      EXPECT_EQ(s.map_start, loads[i].vaddr & ~uint64_t{0xfff});
      EXPECT_EQ(s.map_offset, loads[i].offset & ~uint64_t{0xfff});
      EXPECT_EQ(s.map_end, (loads[i].vaddr + loads[i].filesz + 0xfff) & ~uint64_t{0xfff});
      highest = loads[i].vaddr + loads[i].memsz;
    }
    // The data segment ends in bss: a partial page to clear and whole anonymous pages after it.
    const ElfSegment data = elf.segment(loads.size() - 1, 0);
    EXPECT_GT(data.memsz, data.filesz + 100000);
    EXPECT_LT(data.anon_start, data.anon_end);
    Result<ElfLayout> layout = elf.layout(0);
    ASSERT_TRUE(layout.is_ok());
    EXPECT_EQ(layout.value().entry, readelf_entry(path));
    // glibc's static binaries carry no PT_PHDR; the headers sit right after the ELF header in
    // the first PT_LOAD, which starts at file offset 0.
    EXPECT_EQ(layout.value().phdr, loads[0].vaddr + 64);
    EXPECT_EQ(layout.value().elf_brk, highest);
    if (type == ET_EXEC) {
      EXPECT_EQ(layout.value().start_brk, (highest + 0xfff) & ~uint64_t{0xfff});
    }
  }

  std::string m_dir;
};

TEST_F(RealBinaries, Arm64Static) {
  const std::string path = build("aarch64-linux-gnu-gcc", "-static", "arm64");
  if (path.empty()) GTEST_SKIP() << "aarch64-linux-gnu-gcc not installed";
  expect_matches_readelf(path, ELF_TARGET_ARM64, ET_EXEC);
  std::ifstream in(path, std::ios::binary);
  const std::vector<uint8_t> file((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  // The same bytes are no program for the other targets.
  EXPECT_EQ(ElfImage::parse(file.data(), file.size(), ELF_TARGET_PPC64).error(), Error::NoExec);
  EXPECT_EQ(ElfImage::parse(file.data(), file.size(), ELF_TARGET_PPC64LE).error(), Error::NoExec);
}

TEST_F(RealBinaries, Arm64StaticPie) {
  const std::string path = build("aarch64-linux-gnu-gcc", "-static-pie", "arm64-pie");
  if (path.empty()) GTEST_SKIP() << "aarch64-linux-gnu-gcc not installed";
  expect_matches_readelf(path, ELF_TARGET_ARM64, ET_DYN);
}

TEST_F(RealBinaries, Arm64DynamicIsRefused) {
  const std::string path = build("aarch64-linux-gnu-gcc", "", "arm64-dyn");
  if (path.empty()) GTEST_SKIP() << "aarch64-linux-gnu-gcc not installed";
  std::ifstream in(path, std::ios::binary);
  const std::vector<uint8_t> file((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  EXPECT_EQ(ElfImage::parse(file.data(), file.size(), ELF_TARGET_ARM64).error(), Error::NotFound);
}

TEST_F(RealBinaries, Ppc64StaticElfV1) {
  const std::string path = build("powerpc64-linux-gnu-gcc", "-static", "ppc64");
  if (path.empty()) GTEST_SKIP() << "powerpc64-linux-gnu-gcc not installed";
  expect_matches_readelf(path, ELF_TARGET_PPC64, ET_EXEC);
  std::ifstream in(path, std::ios::binary);
  const std::vector<uint8_t> file((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  Result<ElfImage> image = ElfImage::parse(file.data(), file.size(), ELF_TARGET_PPC64);
  ASSERT_TRUE(image.is_ok());
  EXPECT_EQ(image.value().abi(), ElfAbi::PpcElfV1);
  // The descriptor's first word is _start's code, in the text segment; the second is the TOC
  // pointer, which points 0x8000 into the TOC (.got/.toc) of the data segment.
  Result<PpcStartRegisters> regs = image.value().ppc_start_registers(0);
  ASSERT_TRUE(regs.is_ok());
  const ElfSegment data = image.value().segment(1, 0);
  EXPECT_GT(regs.value().r2, data.vaddr);
  EXPECT_LT(regs.value().r2, data.vaddr + data.memsz + 0x8000);
  EXPECT_EQ(regs.value().r12, 0u);
  const ElfSegment text = image.value().segment(0, 0);
  EXPECT_GE(regs.value().pc, text.vaddr);
  EXPECT_LT(regs.value().pc, text.vaddr + text.filesz);
}

}  // namespace
