// printf-style formatting into a Sink. Supports %d %i %u %x %X %o %c %s %p %%, the length
// modifiers hh h l ll z j t, the flags '-' (left-justify), '0' (zero pad) and '#' (0x before
// non-zero hex), a field width (digits or '*') and a precision for %s ('.N' or '.*'). Unknown
// conversions are written literally so a bad format string is visible, never undefined behaviour.
#pragma once

#include <stdarg.h>
#include <stddef.h>

#include "kernel/lib/string_view.h"

// Where formatted text goes: a function and its context. No virtual dispatch, so sinks work the
// same in the kernel's trap paths and on the host.
class Sink {
 public:
  using WriteFn = void (*)(void* context, const char* s, size_t n);

  constexpr Sink(WriteFn write_fn, void* context) : m_write(write_fn), m_context(context) {}

  void write(const char* s, size_t n) { m_write(m_context, s, n); }
  void write(StringView s) { write(s.data(), s.size()); }
  void put(char c) { write(&c, 1); }

 private:
  WriteFn m_write;
  void* m_context;
};

// A sink over a fixed buffer: keeps what fits, always NUL-terminates, and counts what would have
// been written so callers can detect truncation (as snprintf does).
class BufferSink : public Sink {
 public:
  BufferSink(char* buffer, size_t capacity);

  const char* c_str() const { return m_buffer; }
  size_t length() const { return m_used; }
  size_t wanted() const { return m_wanted; }
  bool truncated() const { return m_wanted > m_used; }

 private:
  static void append(void* self, const char* s, size_t n);

  char* m_buffer;
  size_t m_capacity;
  size_t m_used = 0;
  size_t m_wanted = 0;
};

void vformat(Sink& sink, const char* fmt, va_list args);
void format(Sink& sink, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

// snprintf: formats into buffer[capacity] and returns the length the full text would have had.
size_t format_to_buffer(char* buffer, size_t capacity, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));
