// The initramfs images the build packs (build/<arch>/initramfs.cpio, `make user`): each is a
// reproducible newc archive (mtime 0, owner 0:0, small inode numbers) whose programs the
// kernel's own ELF reader accepts for that arch, with segments and entry as `readelf` sees
// them. Skipped when the images have not been built.

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <ostream>
#include <string>
#include <vector>

#include "host-tests/readelf.h"
#include "kernel/lib/cpio.h"
#include "kernel/proc/elf_image.h"

namespace {

struct ArchImage {
  const char* arch;
  const ElfTarget* target;
};

void PrintTo(const ArchImage& image, std::ostream* os) { *os << image.arch; }

class Initramfs : public ::testing::TestWithParam<ArchImage> {};

TEST_P(Initramfs, ProgramsLoadForTheirArch) {
  const std::string path = std::string("build/") + GetParam().arch + "/initramfs.cpio";
  std::ifstream in(path, std::ios::binary);
  if (!in) GTEST_SKIP() << path << " not built (make user)";
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
  const char* reason = "";
  Result<CpioArchive> archive = CpioArchive::parse(bytes.data(), bytes.size(), &reason);
  ASSERT_TRUE(archive.is_ok()) << reason;
  ASSERT_TRUE(archive.value().find("/bin/hello").is_ok());

  size_t programs = 0;
  for (const CpioEntry& e : archive.value()) {
    const std::string name(e.name.data(), e.name.size());
    EXPECT_EQ(e.mtime, 0u) << name;
    EXPECT_EQ(e.uid, 0u) << name;
    EXPECT_EQ(e.gid, 0u) << name;
    EXPECT_LT(e.ino, 1000u) << name;  // renumbered, not the build machine's inodes
    if (!e.is_regular()) continue;
    programs++;
    EXPECT_EQ(e.mode & 0777, 0755u) << name;
    Result<ElfImage> image = ElfImage::parse(e.data, e.size, *GetParam().target, &reason);
    ASSERT_TRUE(image.is_ok()) << name << ": " << reason;
    const ElfImage& elf = image.value();
    EXPECT_EQ(elf.type(), ET_EXEC) << name;
    EXPECT_TRUE(elf.has_gnu_stack() && !elf.executable_stack()) << name;
    // Every powerpc program is ELFv2 but signals_elfv1, which starts through its descriptor.
    const bool ppc = GetParam().target->machine == EM_PPC64;
    const bool elfv1 = ppc && name.ends_with("/signals_elfv1");
    if (ppc) EXPECT_EQ(elf.abi(), elfv1 ? ElfAbi::PpcElfV1 : ElfAbi::PpcElfV2) << name;
    Result<ElfLayout> layout = elf.layout(0);
    ASSERT_TRUE(layout.is_ok()) << name;
    uint64_t start_pc = layout.value().entry;
    if (elfv1) {
      Result<PpcStartRegisters> start = elf.ppc_start_registers(0);
      ASSERT_TRUE(start.is_ok()) << name;
      start_pc = start.value().pc;
    }

    // The same bytes as the built program, as readelf reads them.
    const std::string built =
        std::string("build/") + GetParam().arch + "/user/" + name.substr(name.rfind('/') + 1);
    if (!have("readelf")) continue;
    const std::vector<ReadelfLoad> loads = readelf_loads(built);
    ASSERT_EQ(loads.size(), elf.load_count()) << name;
    bool entry_in_text = false;
    for (size_t i = 0; i < loads.size(); i++) {
      const ElfSegment s = elf.segment(i, 0);
      EXPECT_EQ(s.vaddr, loads[i].vaddr) << name << " " << i;
      EXPECT_EQ(s.filesz, loads[i].filesz) << name << " " << i;
      EXPECT_EQ(s.memsz, loads[i].memsz) << name << " " << i;
      EXPECT_EQ(s.prot, prot_of(loads[i].flags)) << name << " " << i;
      entry_in_text = entry_in_text || ((s.prot & ELF_PROT_EXEC) && s.vaddr <= start_pc &&
                                        start_pc < s.vaddr + s.filesz);
    }
    EXPECT_EQ(layout.value().entry, readelf_entry(built)) << name;
    EXPECT_TRUE(entry_in_text) << name;
  }
  EXPECT_GE(programs, 1u);
}

INSTANTIATE_TEST_SUITE_P(Arches, Initramfs,
                         ::testing::Values(ArchImage{"arm64", &ELF_TARGET_ARM64},
                                           ArchImage{"powerpc", &ELF_TARGET_PPC64}),
                         [](const auto& info) { return std::string(info.param.arch); });

}  // namespace
