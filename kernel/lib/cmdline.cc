#include "kernel/lib/cmdline.h"

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

Result<StringView> cmdline_get(StringView cmdline, StringView key) {
  size_t i = 0;
  while (i < cmdline.size()) {
    while (i < cmdline.size() && is_space(cmdline[i])) i++;
    const size_t start = i;
    while (i < cmdline.size() && !is_space(cmdline[i])) i++;
    const StringView word = cmdline.substr(start, i - start);
    if (word.empty()) continue;
    const size_t eq = word.find('=');
    if (word.substr(0, eq) == key) {
      return eq == word.size() ? StringView() : word.substr(eq + 1);
    }
  }
  return Error::NotFound;
}

Result<uint64_t> parse_size(StringView text) {
  unsigned base = 10;
  if (text.starts_with("0x") || text.starts_with("0X")) {
    base = 16;
    text = text.substr(2);
  }
  uint64_t shift = 0;
  if (!text.empty()) {
    switch (text[text.size() - 1]) {
      case 'K':
      case 'k':
        shift = 10;
        break;
      case 'M':
      case 'm':
        shift = 20;
        break;
      case 'G':
      case 'g':
        shift = 30;
        break;
      default:
        break;
    }
    if (shift != 0) text = text.substr(0, text.size() - 1);
  }
  if (text.empty()) return Error::Invalid;
  uint64_t value = 0;
  for (size_t i = 0; i < text.size(); i++) {
    const char c = text[i];
    unsigned digit = 0;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (base == 16 && c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (base == 16 && c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return Error::Invalid;
    }
    if (__builtin_mul_overflow(value, base, &value) ||
        __builtin_add_overflow(value, digit, &value)) {
      return Error::Overflow;
    }
  }
  if (shift != 0 && (value >> (64 - shift)) != 0) return Error::Overflow;
  return value << shift;
}
