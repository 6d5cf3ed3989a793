#include "kernel/lib/string.h"

#include <stdint.h>

namespace klib {

namespace {

// Word-at-a-time copies are used only when both pointers share their alignment, so no access is
// ever misaligned: arm64 with the MMU off faults on misaligned accesses.
constexpr size_t WORD = sizeof(uintptr_t);

// The objects behind dst and src have any type, so the word accesses go through a type that may
// alias all of them (like char), or the compiler could reorder them against the callers' typed
// accesses under the strict-aliasing rule. Explicit words rather than byte loops: the kernels
// are built without FP/SIMD registers and with -fno-builtin, so a byte loop would stay one.
using AliasWord = uintptr_t __attribute__((may_alias));

bool co_aligned(const void* a, const void* b) {
  return ((reinterpret_cast<uintptr_t>(a) ^ reinterpret_cast<uintptr_t>(b)) & (WORD - 1)) == 0;
}

}  // namespace

void* mem_copy(void* dst, const void* src, size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  const auto* s = static_cast<const unsigned char*>(src);
  if (co_aligned(d, s)) {
    while (n > 0 && (reinterpret_cast<uintptr_t>(d) & (WORD - 1)) != 0) {
      *d++ = *s++;
      n--;
    }
    for (; n >= WORD; n -= WORD, d += WORD, s += WORD) {
      *reinterpret_cast<AliasWord*>(d) = *reinterpret_cast<const AliasWord*>(s);
    }
  }
  while (n-- > 0) *d++ = *s++;
  return dst;
}

void* mem_move(void* dst, const void* src, size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  const auto* s = static_cast<const unsigned char*>(src);
  if (d == s || n == 0) return dst;
  if (d < s || d >= s + n) return mem_copy(dst, src, n);
  // Overlapping with dst above src: copy backwards so no source byte is overwritten first.
  while (n-- > 0) d[n] = s[n];
  return dst;
}

void* mem_set(void* dst, int value, size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  const auto byte = static_cast<unsigned char>(value);
  while (n > 0 && (reinterpret_cast<uintptr_t>(d) & (WORD - 1)) != 0) {
    *d++ = byte;
    n--;
  }
  const uintptr_t pattern = byte * (~uintptr_t{0} / 0xff);
  for (; n >= WORD; n -= WORD, d += WORD) *reinterpret_cast<AliasWord*>(d) = pattern;
  while (n-- > 0) *d++ = byte;
  return dst;
}

int mem_compare(const void* a, const void* b, size_t n) {
  const auto* x = static_cast<const unsigned char*>(a);
  const auto* y = static_cast<const unsigned char*>(b);
  for (size_t i = 0; i < n; i++) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

size_t str_length(const char* s) {
  size_t n = 0;
  while (s[n] != '\0') n++;
  return n;
}

int str_compare(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) {
    a++;
    b++;
  }
  const auto x = static_cast<unsigned char>(*a);
  const auto y = static_cast<unsigned char>(*b);
  return x == y ? 0 : (x < y ? -1 : 1);
}

bool str_equal(const char* a, const char* b) { return str_compare(a, b) == 0; }

}  // namespace klib
