// base64 (RFC 4648 test vectors) used by the console framing.

#include <gtest/gtest.h>

#include "tools/runner/base64.h"

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

}  // namespace
}  // namespace maplet::runner
