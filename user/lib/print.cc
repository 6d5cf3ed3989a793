#include "user/lib/print.h"

#include "kernel/lib/format.h"
#include "user/lib/syscall.h"

namespace {

constexpr int STDOUT = 1;
char g_buffer[512];
size_t g_used = 0;

void flush_buffer() {
  size_t done = 0;
  while (done < g_used) {
    const long n = sys::write(STDOUT, g_buffer + done, g_used - done);
    if (n <= 0) break;  // nowhere to report a failing stdout; drop the rest
    done += static_cast<size_t>(n);
  }
  g_used = 0;
}

void append(void*, const char* s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    g_buffer[g_used++] = s[i];
    if (s[i] == '\n' || g_used == sizeof(g_buffer)) flush_buffer();
  }
}

}  // namespace

void vprint(const char* fmt, va_list args) {
  Sink sink(append, nullptr);
  vformat(sink, fmt, args);
}

void print(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vprint(fmt, args);
  va_end(args);
}

void print_flush() { flush_buffer(); }
