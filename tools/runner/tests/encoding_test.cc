// base64 (RFC 4648 test vectors) and CRC-32 (zlib's check value) used by the console framing.

#include <gtest/gtest.h>

#include "tools/runner/base64.h"
#include "tools/runner/crc32.h"

namespace maplet::runner {
namespace {

TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(plain), encoded);
    EXPECT_EQ(base64_decode(encoded), std::optional<std::string>(plain)) << encoded;
  }
}

TEST(Base64, RoundTripsEveryByteValue) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_EQ(base64_decode(base64_encode(all)), all);
}

TEST(Base64, PaddingIsOptional) {
  EXPECT_EQ(base64_decode("Zg"), std::optional<std::string>("f"));
  EXPECT_EQ(base64_decode("Zm8"), std::optional<std::string>("fo"));
}

TEST(Base64, RejectsGarbage) {
  EXPECT_FALSE(base64_decode("Zm9v!"));     // Outside the alphabet.
  EXPECT_FALSE(base64_decode("Zm9v\x01"));  // Control byte.
  EXPECT_FALSE(base64_decode("Zg==Zm9v"));  // Data after padding.
  EXPECT_FALSE(base64_decode("Zm9vY"));     // A dangling 6-bit symbol.
  EXPECT_FALSE(base64_decode("Zg="));       // Padding that does not complete a quantum.
  EXPECT_FALSE(base64_decode("Z==="));
  EXPECT_FALSE(base64_decode("Zm9v Zm9v"));  // Spaces are not part of a chunk.
}

TEST(Crc32, MatchesZlib) {
  EXPECT_EQ(crc32_update(0, ""), 0u);
  EXPECT_EQ(crc32_update(0, "123456789"), 0xCBF43926u);
  EXPECT_EQ(crc32_update(0, "The quick brown fox jumps over the lazy dog"), 0x414FA339u);
}

TEST(Crc32, PiecewiseEqualsWhole) {
  std::string data = "The quick brown fox jumps over the lazy dog";
  uint32_t crc = 0;
  for (size_t i = 0; i < data.size(); i += 5) crc = crc32_update(crc, data.substr(i, 5));
  EXPECT_EQ(crc, crc32_update(0, data));
}

}  // namespace
}  // namespace maplet::runner
