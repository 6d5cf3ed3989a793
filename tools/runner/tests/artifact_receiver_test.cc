// Framed binary artifacts: a good file lands intact; every way a frame can go wrong is a
// failure that names the problem.

#include "tools/runner/artifact_receiver.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>

#include "tools/runner/base64.h"
#include "tools/runner/console_demux.h"
#include "tools/runner/tests/test_util.h"

namespace maplet::runner {
namespace {

using test_support::read_file;
using test_support::scratch_dir;

uint32_t zlib_crc32(const std::string& data) {
  return static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
}

class ArtifactTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = scratch_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }

  // Feeds console text through a demux wired to a receiver and returns what it reported.
  std::vector<ArtifactOutcome> feed(const std::string& console) {
    std::vector<ArtifactOutcome> done;
    ArtifactReceiver receiver(
        m_dir, [&](const ArtifactOutcome& o) { done.push_back(o); },
        [&](std::string_view w) { m_warnings.emplace_back(w); });
    ConsoleDemux demux(DemuxSink{}, &receiver);
    demux.feed(console);
    demux.finish();
    return done;
  }

  static std::string frame(const std::string& name, const std::string& data, size_t chunk = 57) {
    char header[128];
    std::snprintf(header, sizeof header, "~file %s %zu %08x\n", name.c_str(), data.size(),
                  zlib_crc32(data));
    std::string text = header;
    for (size_t i = 0; i < data.size(); i += chunk) {
      text += "~data " + base64_encode(data.substr(i, chunk)) + "\n";
    }
    return text + "~end " + name + "\n";
  }

  std::filesystem::path m_dir;
  std::vector<std::string> m_warnings;
};

std::string sample(size_t size) {
  std::string data;
  for (size_t i = 0; i < size; ++i) data.push_back(static_cast<char>(i * 131 + 7));
  return data;
}

TEST_F(ArtifactTest, GoodFrameIsWrittenAndVerified) {
  std::string data = sample(5000);
  auto done = feed("ok 1 x\n" + frame("core.1", data) + "~log after\n");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_TRUE(done[0].ok) << done[0].message;
  EXPECT_EQ(done[0].size, 5000u);
  EXPECT_EQ(done[0].path, m_dir / "core.1");
  EXPECT_EQ(read_file(m_dir / "core.1"), data);
  EXPECT_FALSE(std::filesystem::exists(m_dir / "core.1.part"));
}

TEST_F(ArtifactTest, EmptyFileIsFine) {
  auto done = feed("~file empty 0 00000000\n~end empty\n");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_TRUE(done[0].ok) << done[0].message;
  EXPECT_EQ(read_file(m_dir / "empty"), "");
}

TEST_F(ArtifactTest, CrcMismatchFails) {
  std::string text = frame("core.2", sample(100));
  text.replace(text.find(' ', 14) + 1, 8, "deadbeef");
  auto done = feed(text);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_FALSE(done[0].ok);
  EXPECT_NE(done[0].message.find("CRC-32 mismatch"), std::string::npos) << done[0].message;
  EXPECT_FALSE(std::filesystem::exists(m_dir / "core.2"));
  EXPECT_TRUE(std::filesystem::exists(m_dir / "core.2.part"));
}

// zlib's own check value: the CRC of "123456789" is cbf43926, and one bit off is rejected.
TEST_F(ArtifactTest, CrcCheckValue) {
  std::string data = "~data " + base64_encode("123456789") + "\n~end v\n";
  auto good = feed("~file v 9 cbf43926\n" + data);
  ASSERT_EQ(good.size(), 1u);
  EXPECT_TRUE(good[0].ok) << good[0].message;
  auto bad = feed("~file v 9 cbf43927\n" + data);
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_FALSE(bad[0].ok);
  EXPECT_NE(bad[0].message.find("CRC-32 mismatch: received cbf43926, declared cbf43927"),
            std::string::npos)
      << bad[0].message;
}

TEST_F(ArtifactTest, ShortDataIsASizeMismatch) {
  std::string data = sample(100);
  char header[64];
  std::snprintf(header, sizeof header, "~file c 200 %08x\n", zlib_crc32(data));
  auto done = feed(std::string(header) + "~data " + base64_encode(data) + "\n~end c\n");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_NE(done[0].message.find("size mismatch: received 100 bytes, declared 200"),
            std::string::npos)
      << done[0].message;
}

TEST_F(ArtifactTest, ExtraDataFails) {
  auto done = feed("~file c 1 00000000\n~data " + base64_encode("too much") + "\n~end c\n");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_NE(done[0].message.find("more data than the declared 1 bytes"), std::string::npos);
}

TEST_F(ArtifactTest, TruncatedByEndOfStream) {
  std::string text = frame("core.3", sample(1000));
  text.resize(text.find("~data", text.find("~data") + 1));  // Keep the first ~data only.
  auto done = feed(text);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_FALSE(done[0].ok);
  EXPECT_NE(done[0].message.find("truncated"), std::string::npos) << done[0].message;
  EXPECT_EQ(done[0].size, 57u);
}

TEST_F(ArtifactTest, TruncatedByTheNextFrame) {
  std::string first = frame("a", sample(10));
  first.resize(first.find("~end"));
  auto done = feed(first + frame("b", sample(20)));
  ASSERT_EQ(done.size(), 2u);
  EXPECT_FALSE(done[0].ok);
  EXPECT_NE(done[0].message.find("before ~end a"), std::string::npos) << done[0].message;
  EXPECT_TRUE(done[1].ok) << done[1].message;
}

TEST_F(ArtifactTest, BadBase64Fails) {
  auto done = feed("~file c 3 00000000\n~data Zm9v\n~data *bad*\n~end c\n");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_NE(done[0].message.find("~data line 2 is not valid base64"), std::string::npos)
      << done[0].message;
}

TEST_F(ArtifactTest, NamesCannotEscapeTheDirectory) {
  EXPECT_FALSE(valid_artifact_name("../etc/passwd"));
  EXPECT_FALSE(valid_artifact_name(".hidden"));
  EXPECT_FALSE(valid_artifact_name("a/b"));
  EXPECT_FALSE(valid_artifact_name(""));
  EXPECT_TRUE(valid_artifact_name("core.init-1_2"));
  // A name of its own: the temporary directory is shared with whatever else runs.
  std::string escape = m_dir.filename().string() + "-escaped";
  auto done = feed("~file ../" + escape + " 1 00000000\n~data QQ==\n~end ../" + escape + "\n");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_FALSE(done[0].ok);
  EXPECT_NE(done[0].message.find("bad artifact name"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(m_dir.parent_path() / escape));
}

TEST_F(ArtifactTest, MalformedHeaderFails) {
  auto done = feed("~file core 12x zzzz\n~end core\n");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_NE(done[0].message.find("malformed header"), std::string::npos);
}

TEST_F(ArtifactTest, WrongEndNameFails) {
  auto done = feed("~file a 0 00000000\n~end b\n");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_NE(done[0].message.find("closed by '~end b'"), std::string::npos);
}

TEST_F(ArtifactTest, StrayDataAndEndOnlyWarn) {
  auto done = feed("~data QQ==\n~end nothing\n");
  EXPECT_TRUE(done.empty());
  EXPECT_EQ(m_warnings.size(), 2u);
}

TEST_F(ArtifactTest, RecordedTranscriptHasOneGoodAndOneCorruptCore) {
  auto done = feed(test_support::transcript("user_output_core.console"));
  ASSERT_EQ(done.size(), 2u);
  EXPECT_TRUE(done[0].ok) << done[0].message;
  EXPECT_EQ(done[0].size, 1000u);
  EXPECT_FALSE(done[1].ok);
  EXPECT_NE(done[1].message.find("CRC-32 mismatch"), std::string::npos);
}

}  // namespace
}  // namespace maplet::runner

namespace maplet::runner {
namespace {

// ~hostfile: the kernel wrote <dir>/<name>.part itself; the same size and CRC checks decide.
class HostFileTest : public ArtifactTest {
 protected:
  void write_part(const std::string& name, const std::string& data) {
    std::filesystem::create_directories(m_dir);
    FILE* f = std::fopen((m_dir / (name + ".part")).c_str(), "wb");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(std::fwrite(data.data(), 1, data.size(), f), data.size());
    std::fclose(f);
  }
  static std::string line(const std::string& name, size_t size, uint32_t crc) {
    char text[160];
    std::snprintf(text, sizeof text, "~hostfile %s %zu %08x\n", name.c_str(), size, crc);
    return text;
  }
};

TEST_F(HostFileTest, CheckedAndRenamed) {
  const std::string data = sample(3 << 20);
  write_part("big.core", data);
  auto done = feed(line("big.core", data.size(), zlib_crc32(data)));
  ASSERT_EQ(done.size(), 1u);
  EXPECT_TRUE(done[0].ok) << done[0].message;
  EXPECT_EQ(done[0].size, data.size());
  EXPECT_EQ(read_file(m_dir / "big.core"), data);
  EXPECT_FALSE(std::filesystem::exists(m_dir / "big.core.part"));
}

TEST_F(HostFileTest, TruncatedOrCorruptOrMissingFails) {
  const std::string data = sample(10000);
  write_part("cut.core", data.substr(0, 9000));
  auto cut = feed(line("cut.core", data.size(), zlib_crc32(data)));
  ASSERT_EQ(cut.size(), 1u);
  EXPECT_FALSE(cut[0].ok);
  EXPECT_NE(cut[0].message.find("size mismatch"), std::string::npos) << cut[0].message;
  EXPECT_FALSE(std::filesystem::exists(m_dir / "cut.core"));

  std::string bad = data;
  bad[5000] ^= 1;
  write_part("bad.core", bad);
  auto corrupt = feed(line("bad.core", data.size(), zlib_crc32(data)));
  ASSERT_EQ(corrupt.size(), 1u);
  EXPECT_FALSE(corrupt[0].ok);
  EXPECT_NE(corrupt[0].message.find("CRC-32 mismatch"), std::string::npos);

  auto missing = feed(line("none.core", 1, 0));
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_FALSE(missing[0].ok);
  EXPECT_NE(missing[0].message.find("cannot be read"), std::string::npos) << missing[0].message;
  auto malformed = feed("~hostfile x.core twelve 0\n");
  ASSERT_EQ(malformed.size(), 1u);
  EXPECT_NE(malformed[0].message.find("want: ~hostfile NAME SIZE CRC32HEX"), std::string::npos);
}

}  // namespace
}  // namespace maplet::runner
