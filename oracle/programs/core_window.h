// The window of the core-dumping programs (core_segv, core_mte): pages whose bytes both kernels'
// cores must hold alike. Page CORE_WINDOW_WORD_PAGE is written a 64-bit word at a time, so its
// bytes are in the program's byte order (oracle/core-compare's segment.window.word_bytes, which
// the big-endian kernel's comparison leaves out: it runs the big-endian build); the others byte by
// byte, the same in either order. Page 0 starts with CORE_WINDOW_MARKER, by which
// oracle/core-compare finds the window's base in each core (the base is randomised, so the cores'
// addresses are compared relative to it).
#pragma once

#include <stddef.h>
#include <stdint.h>

#define CORE_WINDOW_MARKER "maplet-oracle-core-window"
#define CORE_WINDOW_WORD_PAGE 1  // oracle/core-compare's WORD_PAGE

// The byte at offset `i` of window page `page`.
static inline uint8_t core_window_byte(size_t page, size_t i) {
  return (uint8_t)(page * 0x35 + i * 7 + (i >> 8) + 1);
}

// Word `n` of the word page: no two of its bytes alike, so either byte order shows.
static inline uint64_t core_window_word(size_t n) {
  return 0x0123456789abcdefull ^ (uint64_t)n * 0x0001000100010001ull;
}

// Fills `pages` pages from `base` (page size `page_size`) with their bytes and the marker.
static inline void core_window_fill(uintptr_t base, size_t page_size, size_t pages) {
  volatile uint8_t* bytes = (volatile uint8_t*)base;
  for (size_t p = 0; p < pages; p++) {
    if (p == CORE_WINDOW_WORD_PAGE) {
      volatile uint64_t* words = (volatile uint64_t*)(base + p * page_size);
      for (size_t n = 0; n < page_size / 8; n++) words[n] = core_window_word(n);
      continue;
    }
    for (size_t i = 0; i < page_size; i++) bytes[p * page_size + i] = core_window_byte(p, i);
  }
  const char marker[] = CORE_WINDOW_MARKER;
  for (size_t i = 0; i < sizeof marker; i++) bytes[i] = (uint8_t)marker[i];
}
