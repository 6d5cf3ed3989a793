#include "kernel/lib/format.h"

#include <stdint.h>

BufferSink::BufferSink(char* buffer, size_t capacity)
    : Sink(&BufferSink::append, this), m_buffer(buffer), m_capacity(capacity) {
  if (m_capacity > 0) m_buffer[0] = '\0';
}

void BufferSink::append(void* self, const char* s, size_t n) {
  auto* sink = static_cast<BufferSink*>(self);
  sink->m_wanted += n;
  if (sink->m_capacity == 0) return;
  const size_t room = sink->m_capacity - 1 - sink->m_used;
  const size_t take = n < room ? n : room;
  for (size_t i = 0; i < take; i++) sink->m_buffer[sink->m_used + i] = s[i];
  sink->m_used += take;
  sink->m_buffer[sink->m_used] = '\0';
}

namespace {

struct Spec {
  bool alternate = false;  // '#': 0x prefix on non-zero hex
  bool left = false;
  bool zero = false;
  int width = 0;
  int precision = -1;
};

void pad(Sink& sink, char c, int count) {
  for (int i = 0; i < count; i++) sink.put(c);
}

void emit_text(Sink& sink, const char* s, size_t n, const Spec& spec) {
  const int fill = spec.width > static_cast<int>(n) ? spec.width - static_cast<int>(n) : 0;
  if (!spec.left) pad(sink, ' ', fill);
  sink.write(s, n);
  if (spec.left) pad(sink, ' ', fill);
}

// Digits are produced into a local buffer from the least significant end; 64 bits in octal is
// the longest case (22 digits) plus a sign.
void emit_number(Sink& sink, uint64_t value, bool negative, unsigned base, bool upper,
                 const char* prefix, const Spec& spec) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char buf[24];
  int len = 0;
  do {
    buf[sizeof(buf) - 1 - len++] = digits[value % base];
    value /= base;
  } while (value != 0);
  const int prefix_len = static_cast<int>(klib::str_length(prefix)) + (negative ? 1 : 0);
  const int fill = spec.width > len + prefix_len ? spec.width - len - prefix_len : 0;
  if (!spec.left && !spec.zero) pad(sink, ' ', fill);
  if (negative) sink.put('-');
  sink.write(prefix, klib::str_length(prefix));
  if (!spec.left && spec.zero) pad(sink, '0', fill);
  sink.write(buf + sizeof(buf) - len, len);
  if (spec.left) pad(sink, ' ', fill);
}

enum class Length { Int, Char, Short, Long, LongLong, Size, Max, PtrDiff };

int64_t signed_arg(va_list& args, Length length) {
  switch (length) {
    case Length::Char:
      return static_cast<signed char>(va_arg(args, int));
    case Length::Short:
      return static_cast<short>(va_arg(args, int));
    case Length::Long:
      return va_arg(args, long);
    case Length::LongLong:
      return va_arg(args, long long);
    case Length::Size:
      return static_cast<int64_t>(va_arg(args, size_t));
    case Length::Max:
      return va_arg(args, intmax_t);
    case Length::PtrDiff:
      return va_arg(args, ptrdiff_t);
    case Length::Int:
      break;
  }
  return va_arg(args, int);
}

uint64_t unsigned_arg(va_list& args, Length length) {
  switch (length) {
    case Length::Char:
      return static_cast<unsigned char>(va_arg(args, unsigned));
    case Length::Short:
      return static_cast<unsigned short>(va_arg(args, unsigned));
    case Length::Long:
      return va_arg(args, unsigned long);
    case Length::LongLong:
      return va_arg(args, unsigned long long);
    case Length::Size:
      return va_arg(args, size_t);
    case Length::Max:
      return va_arg(args, uintmax_t);
    case Length::PtrDiff:
      return static_cast<uint64_t>(va_arg(args, ptrdiff_t));
    case Length::Int:
      break;
  }
  return va_arg(args, unsigned);
}

Length parse_length(const char*& p) {
  switch (*p) {
    case 'h':
      p++;
      if (*p == 'h') {
        p++;
        return Length::Char;
      }
      return Length::Short;
    case 'l':
      p++;
      if (*p == 'l') {
        p++;
        return Length::LongLong;
      }
      return Length::Long;
    case 'z':
      p++;
      return Length::Size;
    case 'j':
      p++;
      return Length::Max;
    case 't':
      p++;
      return Length::PtrDiff;
    default:
      return Length::Int;
  }
}

}  // namespace

void vformat(Sink& sink, const char* fmt, va_list args_in) {
  va_list args;
  va_copy(args, args_in);
  const char* p = fmt;
  while (*p != '\0') {
    const char* run = p;
    while (*p != '\0' && *p != '%') p++;
    if (p != run) sink.write(run, p - run);
    if (*p == '\0') break;
    const char* conversion_start = p++;
    Spec spec;
    for (;; p++) {
      if (*p == '-') {
        spec.left = true;
      } else if (*p == '#') {
        spec.alternate = true;
      } else if (*p == '0') {
        spec.zero = true;
      } else {
        break;
      }
    }
    if (*p == '*') {
      spec.width = va_arg(args, int);
      if (spec.width < 0) {
        spec.left = true;
        spec.width = -spec.width;
      }
      p++;
    } else {
      while (*p >= '0' && *p <= '9') spec.width = spec.width * 10 + (*p++ - '0');
    }
    if (*p == '.') {
      p++;
      spec.precision = 0;
      if (*p == '*') {
        spec.precision = va_arg(args, int);
        p++;
      } else {
        while (*p >= '0' && *p <= '9') spec.precision = spec.precision * 10 + (*p++ - '0');
      }
    }
    const Length length = parse_length(p);
    switch (*p) {
      case 'd':
      case 'i': {
        const int64_t v = signed_arg(args, length);
        const uint64_t magnitude = v < 0 ? uint64_t{0} - static_cast<uint64_t>(v) : v;
        emit_number(sink, magnitude, v < 0, 10, false, "", spec);
        break;
      }
      case 'u':
        emit_number(sink, unsigned_arg(args, length), false, 10, false, "", spec);
        break;
      case 'x':
      case 'X': {
        const uint64_t v = unsigned_arg(args, length);
        const bool upper = *p == 'X';
        emit_number(sink, v, false, 16, upper,
                    spec.alternate && v != 0 ? (upper ? "0X" : "0x") : "", spec);
        break;
      }
      case 'o':
        emit_number(sink, unsigned_arg(args, length), false, 8, false, "", spec);
        break;
      case 'p': {
        Spec ptr_spec = spec;
        ptr_spec.zero = true;
        ptr_spec.width = 2 + 2 * static_cast<int>(sizeof(void*));
        const auto v = reinterpret_cast<uintptr_t>(va_arg(args, void*));
        emit_number(sink, v, false, 16, false, "0x", ptr_spec);
        break;
      }
      case 'c': {
        const char c = static_cast<char>(va_arg(args, int));
        emit_text(sink, &c, 1, spec);
        break;
      }
      case 's': {
        const char* s = va_arg(args, const char*);
        if (s == nullptr) s = "(null)";
        size_t n = 0;
        while (s[n] != '\0' && (spec.precision < 0 || n < static_cast<size_t>(spec.precision))) {
          n++;
        }
        emit_text(sink, s, n, spec);
        break;
      }
      case '%':
        sink.put('%');
        break;
      default:
        // Unknown or truncated conversion: show it as written.
        sink.write(conversion_start, (*p == '\0' ? p : p + 1) - conversion_start);
        if (*p == '\0') {
          va_end(args);
          return;
        }
        break;
    }
    p++;
  }
  va_end(args);
}

void format(Sink& sink, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vformat(sink, fmt, args);
  va_end(args);
}

size_t format_to_buffer(char* buffer, size_t capacity, const char* fmt, ...) {
  BufferSink sink(buffer, capacity);
  va_list args;
  va_start(args, fmt);
  vformat(sink, fmt, args);
  va_end(args);
  return sink.wanted();
}
