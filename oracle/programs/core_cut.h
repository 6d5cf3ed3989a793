// The RLIMIT_CORE programs (core_cut_*.c): each sets one soft RLIMIT_CORE and dies of a SIGSEGV
// at address 0, and scripts/oracle-check.sh compares the size of the core each kernel left: where
// Linux 6.12 cut it (fs/coredump.c: no core below binfmt->min_coredump, one page; otherwise the
// core ends before the first write that would take the bytes written past the limit, the holes
// it seeks over not counted) or that it left none. Each program places its limit by what it
// knows of its own core's layout, so that the cut falls at the same place on both kernels although
// Linux writes notes Maplet leaves out (oracle/core-differences): in the program headers, in the
// first note (NT_PRSTATUS, before any note that differs), or in the data of the core's first
// load, a window of pages mapped below the executable.
#pragma once

#include <sys/resource.h>

#include "oracle/programs/obs.h"

// The window: its pages, 'w' written, 'h' never touched (a hole in the core: Linux seeks over
// it, and it counts for nothing toward the limit), at a fixed address below every program's
// executable, so that its data comes first in the core, right after the headers and the notes
// (less than a page, on both kernels, for a program with few mappings).
#define CORE_CUT_WINDOW "wwhwhhww"
#define CORE_CUT_WINDOW_AT 0x100000ul

// ELF64's header and program header sizes.
enum { CORE_CUT_EHDR = 64, CORE_CUT_PHDR = 56 };

static inline void core_cut_window(void) {
  obs_page = (size_t)getauxval(AT_PAGESZ);
  const size_t pages = sizeof CORE_CUT_WINDOW - 1;
  volatile uint8_t* p =
      obs_mmap("core.window", CORE_CUT_WINDOW_AT, pages * obs_page, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE);
  if (p == NULL) _exit(3);
  for (size_t i = 0; i < pages; i++) {
    if (CORE_CUT_WINDOW[i] != 'w') continue;
    for (size_t b = 0; b < obs_page; b++) p[i * obs_page + b] = (uint8_t)(i * 0x35 + b + 1);
  }
  obs("core.window_pages", "%s", CORE_CUT_WINDOW);
}

// The process's mappings: /proc/self/maps's lines, one PT_LOAD each in the core.
static inline size_t core_cut_mappings(void) {
  char* cursor = obs_read_maps("core.maps");
  if (cursor == NULL) _exit(4);
  size_t n = 0;
  struct obs_maps_line line;
  while (obs_next_maps_line(&cursor, &line)) n++;
  return n;
}

// Adds untouched one-page mappings after the window, read-only and inaccessible in turn so that
// no two merge, until the process has at least `total` mappings: each one more program header,
// and no data (anonymous memory never written is not dumped).
static inline void core_cut_add_mappings(size_t total) {
  uintptr_t at = CORE_CUT_WINDOW_AT + (sizeof CORE_CUT_WINDOW - 1) * obs_page;
  for (int i = 0; core_cut_mappings() < total; i++, at += obs_page) {
    if (mmap((void*)at, obs_page, i % 2 ? PROT_NONE : PROT_READ,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED) {
      obs("core.add_mapping", "error %s", errno_name(errno));
      _exit(5);
    }
  }
}

// The size of the core's ELF header and program headers (the PT_NOTE's and one per mapping).
static inline size_t core_cut_headers(void) {
  return CORE_CUT_EHDR + CORE_CUT_PHDR * (1 + core_cut_mappings());
}

// Sets the soft RLIMIT_CORE to `limit` (printed as `shown`) and dies of a SIGSEGV.
static inline void core_cut_die(unsigned long limit, const char* shown) {
  struct rlimit r;
  if (getrlimit(RLIMIT_CORE, &r) != 0) _exit(6);
  r.rlim_cur = limit;
  obs_status("core.limit", setrlimit(RLIMIT_CORE, &r));
  obs("core.limit_is", "%s", shown);
  *(volatile int*)0 = 0;
  obs("core.after_fault", "still running");
  _exit(1);
}
