// The window of the core-dumping programs (core_segv, core_scv, core_sigreturn, the core_rseq
// ones, core_mte): pages whose bytes both kernels' cores must hold alike. Page
// CORE_WINDOW_WORD_PAGE is written a 64-bit word at a time, so its bytes are in the program's byte
// order (oracle/core-compare's segment.window.word_bytes, which the big-endian kernel's comparison
// leaves out: it runs the big-endian build); the others byte by byte, the same in either order.
// Page 0 starts with CORE_WINDOW_MARKER, by which oracle/core-compare finds the window's base in
// each core (the base is randomised, so the cores' addresses are compared relative to it).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "oracle/programs/obs.h"

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

// What core_segv, core_scv, core_sigreturn and the core_rseq programs start with: on powerpc one
// VSX instruction (Linux writes NT_PPC_VMX and NT_PPC_VSX only for a program that has used VMX or
// VSX, and the ppc64le build's glibc uses VSX on POWER10 where the big-endian build's uses VMX
// only, so without it the two builds' cores would differ by design); then the window at `base`,
// or with base 0 at one the kernel chooses (obs_choose_base), as one mapping of three read-write
// pages ("core.window"), the first two filled (core_window_fill), the third never touched. Exits
// with 122 when the mapping fails.
static inline void core_window_open(uintptr_t base) {
#if defined(__powerpc64__)
  __asm__ volatile(".machine push\n.machine power7\nxxlor 0, 0, 0\n.machine pop");
#endif
  if (base == 0) {
    obs_choose_base();
  } else {
    obs_page = (size_t)getauxval(AT_PAGESZ);
    obs_base = base;
  }
  if (obs_mmap("core.window", at_page(0), 3 * obs_page, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE) == NULL) {
    _exit(122);
  }
  core_window_fill(at_page(0), obs_page, 2);
}
