#pragma once

// Standard base64 (RFC 4648 section 4, alphabet A-Z a-z 0-9 + /, '=' padding), as the kernel
// uses it to carry binary payloads over the text console.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace maplet::runner {

// Decodes `text`. Padding is optional (a chunk may end in the middle of a quantum only if it is
// the last one, which the caller cannot know, so "QQ" decodes like "QQ=="). Returns nullopt on a
// character outside the alphabet, on data after padding, or on a dangling single character.
[[nodiscard]] std::optional<std::string> base64_decode(std::string_view text);

// Encodes `bytes` with padding. Used by tests to build console streams.
[[nodiscard]] std::string base64_encode(std::string_view bytes);

}  // namespace maplet::runner
