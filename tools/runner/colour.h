#pragma once

// Colour in the live result lines: only on a terminal, never when NO_COLOR is set to anything
// non-empty (https://no-color.org) or TERM is "dumb".

#include <string>
#include <string_view>

namespace maplet::runner {

enum class Colour { kRed, kGreen, kYellow };

// `no_color` and `term` are the environment variables' values (null when unset).
[[nodiscard]] bool colour_wanted(bool is_terminal, const char* no_color, const char* term);

// `text` wrapped in the ANSI SGR sequences for `colour` (ECMA-48 8.3.117).
[[nodiscard]] std::string paint(std::string_view text, Colour colour);

}  // namespace maplet::runner
