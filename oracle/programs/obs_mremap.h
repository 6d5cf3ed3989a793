// mremap observed as obs_mmap observes mmap, for the programs that call it (mremap_errors,
// mremap_moves), which define _GNU_SOURCE before any include, as mremap(2) needs.
#pragma once

#include "oracle/programs/obs.h"

// mremap(old, old_len, new_len, flags, new_addr), printed as "ok <where>" (relative to the window,
// or "elsewhere" when the kernel moved it out of it) or "error <ENAME>"; the new address or NULL.
static inline void* obs_mremap(const char* key, uintptr_t old, size_t old_len, size_t new_len,
                               int flags, uintptr_t new_addr) {
  void* p = mremap((void*)old, old_len, new_len, flags, (void*)new_addr);
  char buf[40];
  if (p == MAP_FAILED) {
    obs(key, "error %s", errno_name(errno));
    return NULL;
  }
  obs(key, "ok %s",
      obs_in_window((uintptr_t)p) ? obs_rel((uintptr_t)p, buf, sizeof buf) : "elsewhere");
  return p;
}
