// ~hostram: the powerpc kernel hands a file over in extents of its RAM, which the runner reads
// from the RAM file it shares with QEMU (a plain file here) and answers in that RAM. A file that
// arrives whole is checked like any other; a missing, misplaced or out-of-range extent, a bad
// CRC-32 and a transfer that stops short are failures.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <optional>

#include "tools/runner/artifact_receiver.h"
#include "tools/runner/console_demux.h"
#include "tools/runner/guest_ram.h"
#include "tools/runner/tests/test_util.h"

namespace maplet::runner {
namespace {

using test_support::read_file;
using test_support::scratch_dir;

constexpr uint64_t RAM_BYTES = 1 << 20;
constexpr uint64_t ANSWER = 0xff000;  // where the "kernel" wants its answers

uint32_t zlib_crc32(const std::string& data) {
  return static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
}

std::string sample(size_t size) {
  std::string data;
  for (size_t i = 0; i < size; ++i) data.push_back(static_cast<char>(i * 97 + 3));
  return data;
}

class HostRamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = scratch_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    const int fd = open((m_dir / "ram").c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(ftruncate(fd, RAM_BYTES), 0);
    m_fd = fd;
    m_ram = std::make_unique<GuestRam>(dup(fd));
    m_receiver = std::make_unique<ArtifactReceiver>(
        m_dir / "out", [&](const ArtifactOutcome& o) { m_done.push_back(o); },
        [&](std::string_view w) { m_warnings.emplace_back(w); });
    m_receiver->set_guest_ram(m_ram.get());
    m_demux = std::make_unique<ConsoleDemux>(DemuxSink{}, m_receiver.get());
  }
  void TearDown() override {
    m_demux.reset();
    m_receiver.reset();
    m_ram.reset();
    close(m_fd);
    std::filesystem::remove_all(m_dir);
  }

  // What the kernel does before a ~hostram line: its bytes in RAM, the answer word pending.
  void stage(uint64_t address, const std::string& bytes) {
    ASSERT_EQ(pwrite(m_fd, bytes.data(), bytes.size(), static_cast<off_t>(address)),
              static_cast<ssize_t>(bytes.size()));
    const unsigned char pending[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe};
    ASSERT_EQ(pwrite(m_fd, pending, 8, ANSWER), 8);
  }
  uint64_t answer() const {
    unsigned char bytes[8] = {};
    EXPECT_EQ(pread(m_fd, bytes, 8, ANSWER), 8);
    uint64_t value = 0;
    for (unsigned char b : bytes) value = value << 8 | b;
    return value;
  }
  std::string extent(const std::string& name, uint64_t offset, uint64_t length,
                     uint64_t address) const {
    char text[512];
    std::snprintf(text, sizeof text, "~hostram %s %llu %llu %llx %llx\n",
                  (m_dir / "out" / (name + ".part")).c_str(),
                  static_cast<unsigned long long>(offset), static_cast<unsigned long long>(length),
                  static_cast<unsigned long long>(address),
                  static_cast<unsigned long long>(ANSWER));
    return text;
  }
  static std::string host_file(const std::string& name, size_t size, uint32_t crc) {
    char text[160];
    std::snprintf(text, sizeof text, "~hostfile %s %zu %08x\n", name.c_str(), size, crc);
    return text;
  }
  // Sends `data` in extents of `chunk` bytes through RAM address 0x1000, answer by answer.
  void send(const std::string& name, const std::string& data, size_t chunk) {
    for (size_t at = 0; at < data.size(); at += chunk) {
      const std::string piece = data.substr(at, chunk);
      stage(0x1000, piece);
      m_demux->feed(extent(name, at, piece.size(), 0x1000));
      ASSERT_EQ(answer(), at + piece.size());
    }
  }

  std::filesystem::path m_dir;
  int m_fd = -1;
  std::unique_ptr<GuestRam> m_ram;
  std::unique_ptr<ArtifactReceiver> m_receiver;
  std::unique_ptr<ConsoleDemux> m_demux;
  std::vector<ArtifactOutcome> m_done;
  std::vector<std::string> m_warnings;
};

TEST_F(HostRamTest, ExtentsAnsweredThenCheckedAndRenamed) {
  const std::string data = sample(300000);
  send("big.core", data, 65536);
  EXPECT_TRUE(m_done.empty());
  m_demux->feed(host_file("big.core", data.size(), zlib_crc32(data)));
  m_demux->finish();
  ASSERT_EQ(m_done.size(), 1u);
  EXPECT_TRUE(m_done[0].ok) << m_done[0].message;
  EXPECT_EQ(m_done[0].size, data.size());
  EXPECT_EQ(read_file(m_dir / "out" / "big.core"), data);
  EXPECT_FALSE(std::filesystem::exists(m_dir / "out" / "big.core.part"));
}

TEST_F(HostRamTest, EmptyFileIsOneEmptyExtent) {
  m_demux->feed(extent("empty", 0, 0, 0x1000));
  EXPECT_EQ(answer(), 0u);
  m_demux->feed(host_file("empty", 0, 0));
  ASSERT_EQ(m_done.size(), 1u);
  EXPECT_TRUE(m_done[0].ok) << m_done[0].message;
}

TEST_F(HostRamTest, BadCrcFails) {
  const std::string data = sample(100000);
  send("bad.core", data, 40000);
  std::string other = data;
  other[77777] ^= 1;
  m_demux->feed(host_file("bad.core", data.size(), zlib_crc32(other)));
  ASSERT_EQ(m_done.size(), 1u);
  EXPECT_FALSE(m_done[0].ok);
  EXPECT_NE(m_done[0].message.find("CRC-32 mismatch"), std::string::npos) << m_done[0].message;
  EXPECT_FALSE(std::filesystem::exists(m_dir / "out" / "bad.core"));
}

TEST_F(HostRamTest, TruncatedTransferFails) {
  const std::string data = sample(100000);
  send("short.core", data.substr(0, 60000), 30000);
  m_demux->feed(host_file("short.core", data.size(), zlib_crc32(data)));
  ASSERT_EQ(m_done.size(), 1u);
  EXPECT_FALSE(m_done[0].ok);
  EXPECT_NE(m_done[0].message.find("size mismatch"), std::string::npos) << m_done[0].message;

  send("cut.core", data, 30000);
  m_demux->finish();
  ASSERT_EQ(m_done.size(), 2u);
  EXPECT_FALSE(m_done[1].ok);
  EXPECT_NE(m_done[1].message.find("truncated"), std::string::npos) << m_done[1].message;
  EXPECT_FALSE(std::filesystem::exists(m_dir / "out" / "cut.core"));
}

TEST_F(HostRamTest, MissingExtentFailsAndIsRefused) {
  const std::string data = sample(50000);
  send("gap.core", data.substr(0, 20000), 20000);
  stage(0x1000, data.substr(30000));
  m_demux->feed(extent("gap.core", 30000, 20000, 0x1000));
  EXPECT_EQ(answer(), ArtifactReceiver::REFUSED);
  ASSERT_EQ(m_done.size(), 1u);
  EXPECT_FALSE(m_done[0].ok);
  EXPECT_NE(m_done[0].message.find("missing extent: gap.core continues at offset 30000 after "
                                   "20000 bytes"),
            std::string::npos)
      << m_done[0].message;
  // Its ~hostfile then fails too: the part file holds the first extent only.
  m_demux->feed(host_file("gap.core", data.size(), zlib_crc32(data)));
  ASSERT_EQ(m_done.size(), 2u);
  EXPECT_FALSE(m_done[1].ok);

  stage(0x1000, data);
  m_demux->feed(extent("late.core", 4096, 100, 0x1000));
  EXPECT_EQ(answer(), ArtifactReceiver::REFUSED);
  ASSERT_EQ(m_done.size(), 3u);
  EXPECT_FALSE(m_done[2].ok);
  EXPECT_NE(m_done[2].message.find("never began at offset 0"), std::string::npos)
      << m_done[2].message;
}

TEST_F(HostRamTest, ExtentOutsideRamFailsAndIsRefused) {
  stage(0x1000, "x");
  m_demux->feed(extent("far.core", 0, 4096, RAM_BYTES - 100));
  EXPECT_EQ(answer(), ArtifactReceiver::REFUSED);
  ASSERT_EQ(m_done.size(), 1u);
  EXPECT_FALSE(m_done[0].ok);
  EXPECT_NE(m_done[0].message.find("outside the guest's RAM"), std::string::npos)
      << m_done[0].message;
  m_demux->feed(extent("wrap.core", 0, 16, ~uint64_t{0} - 7));
  ASSERT_EQ(m_done.size(), 2u);
  EXPECT_NE(m_done[1].message.find("outside the guest's RAM"), std::string::npos);
}

TEST_F(HostRamTest, BadLinesFail) {
  m_demux->feed("~hostram /x/y.part zero 1 1000 ff000\n");
  m_demux->feed("~hostram /x/../y 0 1 1000 ff000\n");
  m_receiver->set_guest_ram(nullptr);
  m_demux->feed(extent("no-ram.core", 0, 1, 0x1000));
  ASSERT_EQ(m_done.size(), 3u);
  EXPECT_NE(m_done[0].message.find("want: ~hostram PATH OFFSET LENGTH ADDRESSHEX ANSWERHEX"),
            std::string::npos)
      << m_done[0].message;
  EXPECT_NE(m_done[1].message.find("bad file name"), std::string::npos) << m_done[1].message;
  EXPECT_NE(m_done[2].message.find("no guest RAM file"), std::string::npos) << m_done[2].message;
  for (const auto& outcome : m_done) EXPECT_FALSE(outcome.ok);
}

}  // namespace
}  // namespace maplet::runner
