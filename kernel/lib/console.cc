#include "kernel/lib/console.h"

#include "kernel/arch/console.h"

namespace {

void write_console(void*, const char* s, size_t n) { arch_console_write(s, n); }

Sink g_console(&write_console, nullptr);

// Inserts the log prefix at the start of every line, so a message with embedded newlines can
// never produce a line the runner would take for KTAP.
struct LogLines {
  bool at_line_start = true;

  static void write(void* self, const char* s, size_t n) {
    auto* lines = static_cast<LogLines*>(self);
    size_t begin = 0;
    for (size_t i = 0; i < n; i++) {
      if (lines->at_line_start) {
        arch_console_write("~log ", 5);
        lines->at_line_start = false;
      }
      if (s[i] == '\n') {
        arch_console_write(s + begin, i + 1 - begin);
        begin = i + 1;
        lines->at_line_start = true;
      }
    }
    if (begin < n) arch_console_write(s + begin, n - begin);
  }
};

}  // namespace

Sink& console_sink() { return g_console; }

void vklog(const char* fmt, va_list args) {
  LogLines lines;
  Sink sink(&LogLines::write, &lines);
  vformat(sink, fmt, args);
  if (!lines.at_line_start) arch_console_write("\n", 1);
}

void klog(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vklog(fmt, args);
  va_end(args);
}
