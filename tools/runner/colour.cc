#include "tools/runner/colour.h"

#include <cstring>

namespace maplet::runner {

bool colour_wanted(bool is_terminal, const char* no_color, const char* term) {
  if (!is_terminal) return false;
  if (no_color != nullptr && no_color[0] != '\0') return false;
  return term == nullptr || std::strcmp(term, "dumb") != 0;
}

std::string paint(std::string_view text, Colour colour) {
  const char* code = colour == Colour::kRed ? "31" : colour == Colour::kGreen ? "32" : "33";
  return "\033[" + std::string(code) + "m" + std::string(text) + "\033[0m";
}

}  // namespace maplet::runner
