#include "kernel/lib/glob.h"

bool glob_match(StringView pattern, StringView text) {
  // Iterative matching with one backtrack point (the last '*'), so the time is O(|p| * |t|) at
  // worst and there is no recursion depth to exhaust the kernel stack.
  size_t p = 0;
  size_t t = 0;
  size_t star = pattern.size();
  size_t star_text = 0;
  while (t < text.size()) {
    // '*' first: it is a wildcard even where the name holds a '*' too.
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      p++;
      t++;
    } else if (star != pattern.size()) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') p++;
  return p == pattern.size();
}
