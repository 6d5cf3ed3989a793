// The newc cpio reader against archives written by GNU cpio (newc and crc formats: regular
// files, directories, a symlink, hard links, an empty file, odd name and data lengths) and
// against hand-made damaged ones: each malformation gives its error, every truncation is
// rejected, and single-byte corruptions never read outside the archive (ASan).

#include "kernel/lib/cpio.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "host-tests/cpio_builder.h"

namespace {

using Bytes = std::vector<uint8_t>;

std::string str(StringView v) { return std::string(v.data(), v.size()); }

Result<CpioArchive> parse(const Bytes& b, const char** reason = nullptr) {
  return CpioArchive::parse(b.empty() ? nullptr : b.data(), b.size(), reason);
}

int shell(const std::string& command) { return std::system(command.c_str()); }

class GnuCpio : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    if (shell("command -v cpio >/dev/null 2>&1") != 0) GTEST_SKIP() << "GNU cpio not installed";
    char dir[] = "/tmp/maplet-cpio-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    m_dir = dir;
    const std::string root = m_dir + "/root";
    ASSERT_EQ(shell("mkdir -p " + root + "/bin " + root + "/etc/deep/er"), 0);
    m_files["init"] = "#!/bin/sh\necho hello\n";
    m_files["bin/prog"] = std::string(5001, 'x') + "end";  // not a multiple of 4
    m_files["etc/deep/er/a"] = "a";
    m_files["etc/empty"] = "";
    for (const auto& [name, data] : m_files) std::ofstream(root + "/" + name) << data;
    ASSERT_EQ(shell("ln -s ../init " + root + "/bin/sh && ln " + root + "/bin/prog " + root +
                    "/bin/prog-link"),
              0);
    const std::string archive = m_dir + "/a.cpio";
    ASSERT_EQ(shell("cd " + root + " && find . | LC_ALL=C sort | cpio --quiet -o -H " + GetParam() +
                    " > " + archive),
              0);
    std::ifstream in(archive, std::ios::binary);
    m_archive.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  void TearDown() override {
    if (!m_dir.empty()) (void)shell("rm -rf " + m_dir);
  }

  std::string m_dir;
  std::map<std::string, std::string> m_files;
  Bytes m_archive;
};

TEST_P(GnuCpio, ReadsEveryEntry) {
  const char* reason = "";
  Result<CpioArchive> parsed = parse(m_archive, &reason);
  ASSERT_TRUE(parsed.is_ok()) << reason;
  const CpioArchive& archive = parsed.value();
  EXPECT_EQ(m_archive.size() % 512, 0u);  // GNU pads to blocks after the trailer
  EXPECT_LE(archive.used_size(), m_archive.size());

  std::map<std::string, CpioEntry> seen;
  for (const CpioEntry& e : archive) seen[str(e.name)] = e;
  // ".", bin, etc, etc/deep, etc/deep/er, 4 files, bin/sh, bin/prog-link.
  EXPECT_EQ(archive.count(), 11u);
  EXPECT_EQ(seen.size(), 11u);
  ASSERT_TRUE(seen.count("."));
  EXPECT_TRUE(seen["."].is_directory());
  EXPECT_TRUE(seen["etc/deep/er"].is_directory());
  // A hard link: one inode, two names, nlink 2; newc keeps the data with the last one written.
  EXPECT_EQ(seen["bin/prog-link"].ino, seen["bin/prog"].ino);
  EXPECT_EQ(seen["bin/prog"].nlink, 2u);
  EXPECT_EQ(seen["bin/prog"].size, 0u);
  seen["bin/prog"] = seen["bin/prog-link"];
  for (const auto& [name, data] : m_files) {
    ASSERT_TRUE(seen.count(name)) << name;
    const CpioEntry& e = seen[name];
    EXPECT_TRUE(e.is_regular()) << name;
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(e.data), e.size), data) << name;
    if (name == "bin/prog") continue;
    Result<CpioEntry> found = archive.find(("/" + name).c_str());
    ASSERT_TRUE(found.is_ok()) << name;
    EXPECT_EQ(found.value().offset, e.offset);
  }
  const CpioEntry& link = seen["bin/sh"];
  EXPECT_TRUE(link.is_symlink());
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(link.data), link.size), "../init");
  EXPECT_EQ(seen["bin/prog"].mode & 0777, 0644u);
  EXPECT_EQ(archive.find("./init").value().offset, seen["init"].offset);
  EXPECT_EQ(archive.find("init").value().offset, seen["init"].offset);
  EXPECT_EQ(archive.find("/nope").error(), Error::NotFound);
  EXPECT_EQ(archive.find("/ini").error(), Error::NotFound);
}

TEST_P(GnuCpio, EveryTruncationIsRejected) {
  Result<CpioArchive> full = parse(m_archive);
  ASSERT_TRUE(full.is_ok());
  const size_t used = full.value().used_size();
  for (size_t n = 0; n < used; n++) {
    const Bytes prefix(m_archive.begin(), m_archive.begin() + n);  // exact size for ASan
    ASSERT_EQ(parse(prefix).error(), Error::Invalid) << n;
  }
  const Bytes just_enough(m_archive.begin(), m_archive.begin() + used);
  EXPECT_TRUE(parse(just_enough).is_ok());
}

TEST_P(GnuCpio, ChecksumCoversFileData) {
  const CpioEntry init = parse(m_archive).value().find("init").value();
  Bytes damaged = m_archive;
  damaged[init.data - m_archive.data()] ^= 1;
  const char* reason = "";
  Result<CpioArchive> parsed = parse(damaged, &reason);
  if (std::string(GetParam()) == "crc") {
    ASSERT_TRUE(parsed.is_error());
    EXPECT_NE(std::string(reason).find("checksum"), std::string::npos) << reason;
  } else {
    ASSERT_TRUE(parsed.is_ok()) << reason;  // 070701 has no checksum
    EXPECT_EQ(parsed.value().find("init").value().data[0], '#' ^ 1);
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, GnuCpio, ::testing::Values("newc", "crc"));

struct Damage {
  const char* name;
  size_t offset;  // in the first entry's header
  const char* bytes;
  const char* reason_part;
};

TEST(Cpio, RejectsDamage) {
  const Damage cases[] = {
      {"magic", 0, "070707", "magic"},
      {"non-hex ino", 6, "0000000G", "hex"},
      {"space in mode", 14, " 0000000", "hex"},
      {"size past the end", 54, "00010000", "data runs past"},
      {"huge size", 54, "FFFFFFFF", "data runs past"},
      {"name size 0", 94, "00000000", "name size"},
      {"name size above PATH_MAX", 94, "00001001", "name size"},
      {"name size past the end", 94, "00000F00", "name runs past"},
      {"name without NUL", 94, "00000004", "NUL-terminated"},
      {"checksum", 102, "00000001", "checksum"},
  };
  for (const Damage& d : cases) {
    Bytes b = build_cpio({{"init", "hello", CPIO_S_IFREG | 0755, 1, true}});
    std::memcpy(b.data() + d.offset, d.bytes, std::strlen(d.bytes));
    const char* reason = nullptr;
    Result<CpioArchive> parsed = parse(b, &reason);
    ASSERT_TRUE(parsed.is_error()) << d.name;
    EXPECT_EQ(parsed.error(), Error::Invalid) << d.name;
    ASSERT_NE(reason, nullptr) << d.name;
    EXPECT_NE(std::string(reason).find(d.reason_part), std::string::npos)
        << d.name << ": " << reason;
  }
}

TEST(Cpio, StructuralErrors) {
  const char* reason = nullptr;
  EXPECT_EQ(CpioArchive::parse(nullptr, 0, &reason).error(), Error::Invalid);
  EXPECT_NE(std::string(reason).find("TRAILER"), std::string::npos);

  // No trailer: the archive just stops after a complete entry.
  Bytes b;
  cpio_append(b, {"init", "x"});
  EXPECT_EQ(parse(b, &reason).error(), Error::Invalid);
  EXPECT_NE(std::string(reason).find("TRAILER"), std::string::npos);

  // A NUL inside the name.
  b = build_cpio({{std::string("in\0it", 5), "x"}});
  EXPECT_EQ(parse(b, &reason).error(), Error::Invalid);
  EXPECT_NE(std::string(reason).find("NUL inside"), std::string::npos);

  // A symlink target longer than PATH_MAX.
  b = build_cpio({{"l", std::string(4097, 'a'), CPIO_S_IFLNK | 0777}});
  EXPECT_EQ(parse(b, &reason).error(), Error::Invalid);
  EXPECT_NE(std::string(reason).find("symlink"), std::string::npos);

  // 070701 ignores the check field; entries after the trailer are not read.
  b = build_cpio({{"a", "1"}, {"b", ""}});
  std::memcpy(b.data() + 102, "12345678", 8);
  cpio_append(b, {"after", "junk"});
  Result<CpioArchive> ok = parse(b);
  ASSERT_TRUE(ok.is_ok());
  EXPECT_EQ(ok.value().count(), 2u);
  EXPECT_EQ(ok.value().find("after").error(), Error::NotFound);
  EXPECT_EQ(ok.value().find("b").value().size, 0u);
  // Lower-case hex is accepted too.
  b = build_cpio({{"a", std::string(0xab, 'z')}});
  std::memcpy(b.data() + 54, "000000ab", 8);
  EXPECT_EQ(parse(b).value().find("a").value().size, 0xabu);
}

TEST(Cpio, SingleByteCorruptionsStayInBounds) {
  const Bytes good = build_cpio({{"init", "hello world", CPIO_S_IFREG | 0755, 1, true},
                                 {"dir", "", CPIO_S_IFDIR | 0755, 2},
                                 {"dir/f", "abc", CPIO_S_IFREG | 0644, 3, true}});
  ASSERT_TRUE(parse(good).is_ok());
  size_t rejected = 0;
  for (size_t i = 0; i < good.size(); i++) {
    for (uint8_t v : {uint8_t{0}, uint8_t{'F'}, uint8_t{'0'}, uint8_t{0xff}}) {
      Bytes b = good;
      if (b[i] == v) continue;
      b[i] = v;
      Result<CpioArchive> parsed = parse(b);
      if (parsed.is_error()) {
        rejected++;
        continue;
      }
      for (const CpioEntry& e : parsed.value()) {
        ASSERT_LE(e.data + e.size, b.data() + b.size());
        ASSERT_EQ(e.name.data()[e.name.size()], '\0');
      }
    }
  }
  EXPECT_GT(rejected, good.size());  // most damage is caught, none crashes
}

}  // namespace
