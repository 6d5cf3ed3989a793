// A non-owning view of characters, for parsing command lines and device-tree strings without
// copying. Never assumes NUL termination.
#pragma once

#include <stddef.h>

#include "kernel/lib/string.h"

class StringView {
 public:
  constexpr StringView() = default;
  constexpr StringView(const char* data, size_t size) : m_data(data), m_size(size) {}
  StringView(const char* cstr) : m_data(cstr), m_size(cstr ? klib::str_length(cstr) : 0) {}

  constexpr const char* data() const { return m_data; }
  constexpr size_t size() const { return m_size; }
  constexpr bool empty() const { return m_size == 0; }
  constexpr char operator[](size_t i) const { return m_data[i]; }

  bool operator==(StringView other) const {
    return m_size == other.m_size && klib::mem_compare(m_data, other.m_data, m_size) == 0;
  }
  bool starts_with(StringView prefix) const {
    return prefix.m_size <= m_size && klib::mem_compare(m_data, prefix.m_data, prefix.m_size) == 0;
  }
  // The characters from `start` (clamped to size) up to `count` of them.
  StringView substr(size_t start, size_t count = ~size_t{0}) const {
    if (start > m_size) start = m_size;
    if (count > m_size - start) count = m_size - start;
    return {m_data + start, count};
  }
  // Index of the first `c`, or size() when absent.
  size_t find(char c) const {
    for (size_t i = 0; i < m_size; i++) {
      if (m_data[i] == c) return i;
    }
    return m_size;
  }

 private:
  const char* m_data = "";
  size_t m_size = 0;
};
