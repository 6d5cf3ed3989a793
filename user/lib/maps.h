// /proc/self/maps as a program reads it: the whole text, and lines looked up by start address or
// by the name at their end.
#pragma once

#include <stddef.h>
#include <stdint.h>

// The whole of /proc/self/maps, read in small pieces into `text` (NUL-terminated); its length or
// -errno.
long read_maps(char* text, size_t size);
// The maps line that starts at `start`, or nullptr.
const char* line_at(const char* text, uint64_t start);
// Whether the line (up to its newline) contains `part`.
bool line_has(const char* line, const char* part);

struct MapsRange {
  uint64_t start = 0, end = 0;  // both 0 when no line has the name
  char perms[5] = {};
};
// The first line whose name (the last field) is exactly `name`, e.g. "[vdso]".
MapsRange find_named(const char* text, const char* name);
