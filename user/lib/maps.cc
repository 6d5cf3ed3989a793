#include "user/lib/maps.h"

#include "kernel/lib/format.h"
#include "kernel/lib/string.h"
#include "user/lib/syscall.h"

namespace {

constexpr long AT_FDCWD = -100;

uint64_t hex(const char*& p) {
  uint64_t v = 0;
  for (;; p++) {
    const char c = *p;
    if (c >= '0' && c <= '9') {
      v = v * 16 + static_cast<uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      v = v * 16 + static_cast<uint64_t>(c - 'a' + 10);
    } else {
      return v;
    }
  }
}

}  // namespace

long read_maps(char* text, size_t size) {
  const long fd = sys::call(sys::NR_OPENAT, AT_FDCWD, reinterpret_cast<long>("/proc/self/maps"), 0);
  if (fd < 0) return fd;
  size_t used = 0;
  while (used + 1 < size) {
    const long n =
        sys::read(static_cast<int>(fd), text + used, size - 1 - used < 100 ? size - 1 - used : 100);
    if (n <= 0) break;
    used += static_cast<size_t>(n);
  }
  text[used] = '\0';
  sys::call(sys::NR_CLOSE, fd);
  return static_cast<long>(used);
}

const char* line_at(const char* text, uint64_t start) {
  char prefix[24];
  const size_t n =
      format_to_buffer(prefix, sizeof(prefix), "%08lx-", static_cast<unsigned long>(start));
  for (const char* line = text; *line != '\0';) {
    if (klib::mem_compare(line, prefix, n) == 0) return line;
    while (*line != '\0' && *line != '\n') line++;
    if (*line == '\n') line++;
  }
  return nullptr;
}

bool line_has(const char* line, const char* part) {
  const size_t n = klib::str_length(part);
  for (const char* p = line; *p != '\0' && *p != '\n'; p++) {
    if (klib::mem_compare(p, part, n) == 0) return true;
  }
  return false;
}

MapsRange find_named(const char* text, const char* name) {
  const size_t n = klib::str_length(name);
  for (const char* line = text; *line != '\0';) {
    const char* end = line;
    while (*end != '\0' && *end != '\n') end++;
    if (static_cast<size_t>(end - line) > n && klib::mem_compare(end - n, name, n) == 0 &&
        end[-static_cast<long>(n) - 1] == ' ') {
      MapsRange r;
      const char* p = line;
      r.start = hex(p);
      p++;  // '-'
      r.end = hex(p);
      p++;  // ' '
      for (int i = 0; i < 4 && p[i] != '\0'; i++) r.perms[i] = p[i];
      return r;
    }
    line = *end == '\n' ? end + 1 : end;
  }
  return MapsRange{};
}
