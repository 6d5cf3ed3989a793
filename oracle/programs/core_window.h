// The window of the core-dumping programs (core_segv, core_mte): pages whose bytes both kernels'
// cores must hold alike. Written byte by byte, so the bytes are the same in either byte order;
// page 0 starts with CORE_WINDOW_MARKER, by which oracle/core-compare finds the window's base in
// each core (the base is randomised, so the cores' addresses are compared relative to it).
#pragma once

#include <stddef.h>
#include <stdint.h>

#define CORE_WINDOW_MARKER "maplet-oracle-core-window"

// The byte at offset `i` of window page `page`.
static inline uint8_t core_window_byte(size_t page, size_t i) {
  return (uint8_t)(page * 0x35 + i * 7 + (i >> 8) + 1);
}

// Fills `pages` pages from `base` (page size `page_size`) with their bytes and the marker.
static inline void core_window_fill(uintptr_t base, size_t page_size, size_t pages) {
  volatile uint8_t* bytes = (volatile uint8_t*)base;
  for (size_t p = 0; p < pages; p++) {
    for (size_t i = 0; i < page_size; i++) bytes[p * page_size + i] = core_window_byte(p, i);
  }
  const char marker[] = CORE_WINDOW_MARKER;
  for (size_t i = 0; i < sizeof marker; i++) bytes[i] = (uint8_t)marker[i];
}
