#include "tools/runner/ktap_line.h"

#include <cctype>
#include <cstdint>

namespace maplet::runner {
namespace {

// Numbers and plans saturate at the largest int; the parser's arithmetic on them is 64-bit.
constexpr int MAX_NUMBER = INT32_MAX;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool consume(std::string_view& s, std::string_view prefix) {
  if (!s.starts_with(prefix)) return false;
  s.remove_prefix(prefix.size());
  return true;
}

// Parses a decimal number at the start of `s`; saturates instead of overflowing.
bool consume_number(std::string_view& s, int* out) {
  size_t i = 0;
  long long value = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    value = value * 10 + (s[i] - '0');
    if (value > MAX_NUMBER) value = MAX_NUMBER;
    ++i;
  }
  if (i == 0) return false;
  *out = static_cast<int>(value);
  s.remove_prefix(i);
  return true;
}

bool starts_with_word_ci(std::string_view s, std::string_view word) {
  if (s.size() < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(s[i])) != word[i]) return false;
  }
  return s.size() == word.size() || s[word.size()] == ' ' || s[word.size()] == '\t';
}

bool is_version(std::string_view rest) {
  int version = 0;
  if (consume(rest, "KTAP version ") || consume(rest, "TAP version ")) {
    return consume_number(rest, &version) && trim(rest).empty();
  }
  return false;
}

bool lex_result(std::string_view rest, KtapLine* out) {
  if (consume(rest, "not ok")) {
    out->ok = false;
  } else if (consume(rest, "ok")) {
    out->ok = true;
  } else {
    return false;
  }
  if (!rest.empty() && rest.front() != ' ') return false;  // "okay", "ok:" are not results.
  rest = trim(rest);
  consume_number(rest, &out->number);
  rest = trim(rest);
  consume(rest, "- ");
  // As in kunit_parser.py, the name runs up to the first '#'; the rest is a directive.
  size_t hash = rest.find('#');
  out->text = std::string(trim(rest.substr(0, hash)));
  if (hash != std::string_view::npos) {
    std::string_view directive = trim(rest.substr(hash + 1));
    if (starts_with_word_ci(directive, "SKIP")) {
      out->skip = true;
      out->reason = std::string(trim(directive.substr(4)));
    } else if (starts_with_word_ci(directive, "TODO")) {
      out->todo = true;
      out->reason = std::string(trim(directive.substr(4)));
    }
  }
  out->kind = KtapLine::Kind::kResult;
  return true;
}

}  // namespace

KtapLine lex_ktap_line(std::string_view line, bool* noisy) {
  if (noisy != nullptr) *noisy = false;
  while (!line.empty() && line.front() == '\r') line.remove_prefix(1);
  while (!line.empty() && line.back() == '\r') line.remove_suffix(1);

  KtapLine out;
  while (out.indent < line.size() && line[out.indent] == ' ') ++out.indent;
  std::string_view rest = line.substr(out.indent);
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);

  if (is_version(rest)) {
    out.kind = KtapLine::Kind::kVersion;
    return out;
  }
  if (consume(rest, "# Subtest:")) {
    out.kind = KtapLine::Kind::kSubtest;
    out.text = std::string(trim(rest));
    return out;
  }
  if (rest.starts_with("#")) {
    rest.remove_prefix(1);
    consume(rest, " ");
    out.kind = KtapLine::Kind::kDiagnostic;
    out.text = std::string(rest);
    return out;
  }
  std::string_view plan = rest;
  if (consume(plan, "1..") && consume_number(plan, &out.plan)) {
    plan = trim(plan);
    if (plan.empty() || plan.front() == '#') {
      out.kind = KtapLine::Kind::kPlan;
      return out;
    }
  }
  if (lex_result(rest, &out)) return out;

  // Firmware may leave escape sequences or a partial line in front of the first header.
  size_t at = line.find("KTAP version ");
  if (at != std::string_view::npos && at > 0 && is_version(line.substr(at)) &&
      line.substr(0, at).find('#') == std::string_view::npos) {
    if (noisy != nullptr) *noisy = true;
    out = KtapLine{};
    out.kind = KtapLine::Kind::kVersion;
    return out;
  }
  out = KtapLine{};
  out.indent = 0;
  return out;
}

}  // namespace maplet::runner
