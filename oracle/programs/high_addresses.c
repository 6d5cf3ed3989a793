// arm64 user addresses above the default 48-bit mmap window, as Linux gives them with 52-bit
// user VAs (FEAT_LPA2 with 4 KiB pages: TASK_SIZE_64 = 1 << vabits_actual, DEFAULT_MAP_WINDOW_64
// = 1 << 48, arch/arm64/include/asm/processor.h): mmap hints below, at and above 2^48 (only a
// hint above the window may be placed above it, arch_get_mmap_end and arch_get_mmap_base, with
// mm/mmap.c generic_get_unmapped_area_topdown), MAP_FIXED and MAP_FIXED_NOREPLACE up to and past
// TASK_SIZE, munmap, mprotect and mremap there, memory there written and read, by the program and
// by the kernel (a system call's arguments), and /proc/self/maps of it. Fixed addresses are
// printed exactly; a placement the kernel chose as the side of 2^48 it is on. Elsewhere than
// arm64 it prints only va.arch.
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>

#include "oracle/programs/obs.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#if defined(__aarch64__)

static const int RW = PROT_READ | PROT_WRITE;
static const int ANON = MAP_PRIVATE | MAP_ANONYMOUS;
static const uintptr_t WINDOW = (uintptr_t)1 << 48;
// TASK_SIZE with 52-bit user VAs; on a 48-bit kernel everything from WINDOW up fails.
static const uintptr_t TOP = (uintptr_t)1 << 52;

// An address as "window+0x..." or "window-0x...", or "top-0x..." near TOP.
static const char* where(uintptr_t addr, char* buf, size_t size) {
  if (addr >= WINDOW && TOP - addr < ((uintptr_t)1 << 32)) {
    snprintf(buf, size, "top-0x%lx", (unsigned long)(TOP - addr));
  } else if (addr >= WINDOW) {
    snprintf(buf, size, "window+0x%lx", (unsigned long)(addr - WINDOW));
  } else {
    snprintf(buf, size, "window-0x%lx", (unsigned long)(WINDOW - addr));
  }
  return buf;
}

// A mapping at an address the program names (MAP_FIXED or a hint it expects to get): "ok
// <where>" or "error <ENAME>".
static void* map_at(const char* key, uintptr_t addr, size_t len, int flags) {
  void* p = mmap((void*)addr, len, RW, flags, -1, 0);
  char buf[48];
  if (p == MAP_FAILED) {
    obs(key, "error %s", errno_name(errno));
    return NULL;
  }
  obs(key, "ok %s", where((uintptr_t)p, buf, sizeof buf));
  return p;
}

// A mapping whose place the kernel chooses: "ok at_hint", "ok below_window" or "ok
// above_window", then unmapped unless it is at the hint.
static void map_chosen(const char* key, uintptr_t hint, size_t len, int prot) {
  void* p = mmap((void*)hint, len, prot, ANON, -1, 0);
  if (p == MAP_FAILED) {
    obs(key, "error %s", errno_name(errno));
    return;
  }
  const uintptr_t a = (uintptr_t)p;
  if (a == hint) {
    obs(key, "ok at_hint");
    return;
  }
  obs(key, "ok %s", a + len <= WINDOW ? "below_window" : a >= WINDOW ? "above_window" : "across");
  munmap(p, len);
}

// Writes a pattern to every page of [addr, addr + len) and reads it back.
static void use_memory(const char* key, uintptr_t addr, size_t len) {
  for (size_t off = 0; off < len; off += obs_page) *(volatile uintptr_t*)(addr + off) = addr + off;
  size_t bad = 0;
  for (size_t off = 0; off < len; off += obs_page) {
    if (*(volatile uintptr_t*)(addr + off) != addr + off) bad++;
  }
  obs(key, "%s", bad == 0 ? "ok" : "mismatch");
}

// Whether the first word of each page still holds what use_memory wrote at `old`.
static void check_moved(const char* key, uintptr_t addr, uintptr_t old, size_t len) {
  size_t bad = 0;
  for (size_t off = 0; off < len; off += obs_page) {
    if (*(volatile uintptr_t*)(addr + off) != old + off) bad++;
  }
  obs(key, "%s", bad == 0 ? "kept" : "lost");
}

// The kernel reads a signal set from `addr` and writes the old one right after it.
static void kernel_access(const char* key, uintptr_t addr) {
  uint64_t* set = (uint64_t*)addr;
  set[0] = 0;
  set[1] = ~(uint64_t)0;
  long ret = syscall(SYS_rt_sigprocmask, SIG_SETMASK, set, set + 1, 8);
  if (ret != 0) {
    obs(key, "error %s", errno_name(errno));
    return;
  }
  obs(key, "ok old_mask 0x%llx", (unsigned long long)set[1]);
}

static void kernel_fault(const char* key, uintptr_t addr) {
  long ret = syscall(SYS_rt_sigprocmask, SIG_BLOCK, (void*)addr, NULL, 8);
  if (ret == 0) {
    obs(key, "ok");
  } else {
    obs(key, "error %s", errno_name(errno));
  }
}

// The maps lines at or above WINDOW, exactly (only fixed mappings are left there).
static void high_maps(const char* key) {
  char* text = obs_read_maps(key);
  if (text == NULL) return;
  char* cursor = text;
  struct obs_maps_line line;
  int n = 0;
  char name[64];
  while (obs_next_maps_line(&cursor, &line)) {
    if (line.start < WINDOW) continue;
    snprintf(name, sizeof name, "%s.%d", key, n++);
    obs(name, "%lx-%lx %s %s", line.start, line.end, line.perms,
        line.path[0] != '\0' ? line.path : "-");
  }
  obs(key, "%d", n);
}

int main(void) {
  obs_page = (size_t)getauxval(AT_PAGESZ);
  const size_t P = obs_page;
  obs("va.arch", "arm64");

  // No hint, or one at or below the window's end: below 2^48. A hint is taken above 2^48 only
  // when it is above the window, and a hint at or past TASK_SIZE searches top-down from the
  // mmap base moved up by TASK_SIZE - 2^48.
  map_chosen("hint.none", 0, P, RW);
  map_chosen("hint.window_end_page", WINDOW - P, P, RW);
  map_chosen("hint.window_across", WINDOW - P, 2 * P, RW);
  map_chosen("hint.window", WINDOW, P, RW);
  map_chosen("hint.window_plus_page", WINDOW + P, P, RW);
  map_chosen("hint.window_plus_byte", WINDOW + 1, P, RW);
  map_chosen("hint.2p50", (uintptr_t)1 << 50, 4 * P, RW);
  map_chosen("hint.top_page", TOP - P, P, RW);
  map_chosen("hint.top_across", TOP - P, 2 * P, RW);
  map_chosen("hint.top", TOP, P, RW);
  map_chosen("hint.2p60", (uintptr_t)1 << 60, P, RW);
  // 2^49 bytes, more than any gap below the window; PROT_NONE is not charged to the commit limit.
  map_chosen("hint.huge_len", WINDOW + P, ((uintptr_t)1 << 49), PROT_NONE);

  // Fixed mappings up to TASK_SIZE and the errors past it.
  void* edge = map_at("fixed.window_across", WINDOW - P, 2 * P, ANON | MAP_FIXED);
  if (edge != NULL) use_memory("use.window_across", (uintptr_t)edge, 2 * P);
  void* a = map_at("fixed.2p50", (uintptr_t)1 << 50, 4 * P, ANON | MAP_FIXED);
  void* t = map_at("fixed.top_page", TOP - P, P, ANON | MAP_FIXED);
  map_at("fixed.top", TOP, P, ANON | MAP_FIXED);
  map_at("fixed.top_across", TOP - P, 2 * P, ANON | MAP_FIXED);
  map_at("fixed.2p56", (uintptr_t)1 << 56, P, ANON | MAP_FIXED);
  map_at("noreplace.2p50_taken", ((uintptr_t)1 << 50) + P, P, ANON | MAP_FIXED_NOREPLACE);
  void* n = map_at("noreplace.2p51", (uintptr_t)1 << 51, 2 * P, ANON | MAP_FIXED_NOREPLACE);
  map_at("noreplace.top", TOP, P, ANON | MAP_FIXED_NOREPLACE);
  map_chosen("hint.2p50_taken", ((uintptr_t)1 << 50) + P, P, RW);
  high_maps("maps.fixed");

  if (a != NULL) {
    use_memory("use.2p50", (uintptr_t)a, 4 * P);
    kernel_access("kernel.2p50", (uintptr_t)a + 8);
    obs_status("mprotect.2p50_read", mprotect((char*)a + P, P, PROT_READ));
    obs_status("mprotect.2p50_past_top", mprotect(a, TOP - (uintptr_t)a + P, PROT_READ));
    obs_status("munmap.2p50_page", munmap((char*)a + 2 * P, P));
    high_maps("maps.after_mprotect_munmap");
    // Grown in place over the hole munmap left, then moved below the window (no new address:
    // mremap places it as mmap does without a hint), then to a fixed high address.
    void* g = mremap((char*)a + 3 * P, P, 2 * P, 0);
    obs("mremap.grow_in_place", "%s", g == (char*)a + 3 * P ? "ok same" : "failed or moved");
    if (g == MAP_FAILED) obs("mremap.grow_in_place_error", "%s", errno_name(errno));
    void* m = mremap(a, P, 2 * P, MREMAP_MAYMOVE);
    char buf[48];
    if (m == MAP_FAILED) {
      obs("mremap.maymove", "error %s", errno_name(errno));
    } else {
      obs("mremap.maymove", "ok %s", (uintptr_t)m + 2 * P <= WINDOW ? "below_window" : "high");
      check_moved("mremap.maymove_data", (uintptr_t)m, (uintptr_t)a, P);
      void* f = mremap(m, 2 * P, 2 * P, MREMAP_MAYMOVE | MREMAP_FIXED, TOP - 64 * P);
      if (f == MAP_FAILED) {
        obs("mremap.fixed_high", "error %s", errno_name(errno));
      } else {
        obs("mremap.fixed_high", "ok %s", where((uintptr_t)f, buf, sizeof buf));
        check_moved("mremap.fixed_high_data", (uintptr_t)f, (uintptr_t)a, P);
        void* x = mremap(f, 2 * P, 2 * P, MREMAP_MAYMOVE | MREMAP_FIXED, TOP - P);
        obs("mremap.fixed_past_top", "%s", x == MAP_FAILED ? errno_name(errno) : "ok");
      }
    }
    high_maps("maps.after_mremap");
  }
  if (t != NULL) {
    use_memory("use.top_page", (uintptr_t)t, P);
    kernel_access("kernel.top_page", (uintptr_t)t);
    void* g = mremap(t, P, 2 * P, 0);
    obs("mremap.top_grow", "%s", g == MAP_FAILED ? errno_name(errno) : "ok");
    obs_status("munmap.top_page", munmap(t, P));
  }
  if (n != NULL) use_memory("use.2p51", (uintptr_t)n, 2 * P);
  kernel_fault("kernel.unmapped_high", ((uintptr_t)1 << 51) + 16 * P);
  kernel_fault("kernel.top", TOP);
  obs_status("munmap.top", munmap((void*)TOP, P));
  obs_status("munmap.top_across", munmap((void*)(TOP - P), 2 * P));
  obs_status("mprotect.top", mprotect((void*)TOP, P, PROT_READ));
  obs_status("mprotect.unmapped_high", mprotect((void*)(((uintptr_t)1 << 51) + 16 * P), P, RW));
  obs_status("munmap.all_high", munmap((void*)WINDOW, TOP - WINDOW));
  high_maps("maps.end");
  return 0;
}

#else

int main(void) {
  obs("va.arch", "other");
  return 0;
}

#endif
