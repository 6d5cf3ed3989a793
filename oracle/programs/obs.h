// Observations for the differential programs: what a program saw, one fact a line, in the text
// form oracle/README.md defines ("<key> <value>"). The programs run unchanged on Linux and on
// Maplet, so they print nothing that differs by design: addresses are printed relative to a
// base the program chose (`obs_rel`), errors as errno names, and random values as properties.
// Libc-light on purpose: these helpers reach the kernel only through write, mmap, munmap and
// openat/read/close of /proc/self/maps, and nothing here allocates.
#pragma once

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

// The window every program works in: WINDOW_PAGES pages from the base it chose.
enum { WINDOW_PAGES = 64 };

static uintptr_t obs_base;
static size_t obs_page;

static inline void obs_write(const char* text, size_t len) {
  while (len > 0) {
    ssize_t n = write(1, text, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(120);
    text += n;
    len -= (size_t)n;
  }
}

// Prints "<key> <formatted value>\n" in one write.
__attribute__((format(printf, 2, 3))) static inline void obs(const char* key, const char* format,
                                                             ...) {
  char line[512];
  int n = snprintf(line, sizeof line, "%s ", key);
  va_list ap;
  va_start(ap, format);
  n += vsnprintf(line + n, sizeof line - (size_t)n - 1, format, ap);
  va_end(ap);
  if (n > (int)sizeof line - 2) n = (int)sizeof line - 2;
  line[n++] = '\n';
  obs_write(line, (size_t)n);
}

static inline const char* errno_name(int e) {
  switch (e) {
    case EPERM:
      return "EPERM";
    case ENOENT:
      return "ENOENT";
    case EINTR:
      return "EINTR";
    case EBADF:
      return "EBADF";
    case EAGAIN:
      return "EAGAIN";
    case ENOMEM:
      return "ENOMEM";
    case EACCES:
      return "EACCES";
    case EFAULT:
      return "EFAULT";
    case EBUSY:
      return "EBUSY";
    case EEXIST:
      return "EEXIST";
    case ENODEV:
      return "ENODEV";
    case EINVAL:
      return "EINVAL";
    case ENFILE:
      return "ENFILE";
    case EMFILE:
      return "EMFILE";
    case ENOSPC:
      return "ENOSPC";
    case ERANGE:
      return "ERANGE";
    case ENOSYS:
      return "ENOSYS";
    case EOVERFLOW:
      return "EOVERFLOW";
    case EOPNOTSUPP:
      return "EOPNOTSUPP";
    default:
      return "E?";
  }
}

static inline int obs_in_window(uintptr_t addr) {
  return addr >= obs_base && addr - obs_base <= (uintptr_t)WINDOW_PAGES * obs_page;
}

// An address as "base+0x..." inside the window (its end included), "outside" otherwise (its value
// is random).
static inline const char* obs_rel(uintptr_t addr, char* buf, size_t size) {
  if (obs_in_window(addr)) {
    snprintf(buf, size, "base+0x%lx", (unsigned long)(addr - obs_base));
  } else {
    snprintf(buf, size, "outside");
  }
  return buf;
}

// Chooses the base: the page size from the auxv (never assumed), then a window of free address
// space found by the kernel itself and given back, so every later placement is relative to it.
static inline void obs_choose_base(void) {
  obs_page = (size_t)getauxval(AT_PAGESZ);
  void* p = mmap(NULL, WINDOW_PAGES * obs_page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    obs("base", "mmap failed %s", errno_name(errno));
    _exit(121);
  }
  obs_base = (uintptr_t)p;
  if (munmap(p, WINDOW_PAGES * obs_page) != 0) {
    obs("base", "munmap failed %s", errno_name(errno));
    _exit(121);
  }
}

static inline uintptr_t at_page(size_t n) { return obs_base + n * obs_page; }

// Prints an mmap result: "ok base+0x..." / "ok outside" or "error <ENAME>".
static inline void* obs_mmap(const char* key, uintptr_t addr, size_t len, int prot, int flags) {
  void* p = mmap((void*)addr, len, prot, flags, -1, 0);
  char buf[40];
  if (p == MAP_FAILED) {
    obs(key, "error %s", errno_name(errno));
    return NULL;
  }
  obs(key, "ok %s", obs_rel((uintptr_t)p, buf, sizeof buf));
  return p;
}

// For a placement the kernel chooses from the whole address space (no usable hint), whose
// address depends on the randomised layout: prints "ok at_hint", "ok elsewhere" or "error
// <ENAME>", and unmaps a mapping placed elsewhere so that it cannot show up in the window later.
static inline void obs_mmap_chosen(const char* key, uintptr_t hint, size_t len, int prot,
                                   int flags) {
  void* p = mmap((void*)hint, len, prot, flags, -1, 0);
  if (p == MAP_FAILED) {
    obs(key, "error %s", errno_name(errno));
  } else if ((uintptr_t)p == hint) {
    obs(key, "ok at_hint");
  } else {
    obs(key, "ok elsewhere page_aligned %s", (uintptr_t)p % obs_page == 0 ? "yes" : "no");
    munmap(p, len);
  }
}

// Prints "ok" or "error <ENAME>" for a call that returns 0 or -1 with errno.
static inline void obs_status(const char* key, int ret) {
  if (ret == 0) {
    obs(key, "ok");
  } else {
    obs(key, "error %s", errno_name(errno));
  }
}

// Reads /proc/self/maps into a static buffer (NUL-terminated); NULL with an observation under
// `key` when it cannot.
static inline char* obs_read_maps(const char* key) {
  static char text[64 * 1024];
  int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    obs(key, "open error %s", errno_name(errno));
    return NULL;
  }
  size_t used = 0;
  for (;;) {
    ssize_t n = read(fd, text + used, sizeof text - 1 - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      obs(key, "read error %s", errno_name(errno));
      close(fd);
      return NULL;
    }
    used += (size_t)n;
    if (n == 0 || used == sizeof text - 1) break;
  }
  close(fd);
  text[used] = '\0';
  return text;
}

// One line of /proc/self/maps: its range, permissions, offset and path ("" for none); device and
// inode are read past.
struct obs_maps_line {
  unsigned long start, end, offset;
  char perms[8];
  const char* path;
};

// Takes the next line from *cursor, a maps text obs_read_maps returned (each line is cut out of
// it in place), into *line: 1, or 0 when no line is left. A line that does not parse is passed
// over.
static inline int obs_next_maps_line(char** cursor, struct obs_maps_line* line) {
  while (**cursor != '\0') {
    char* text = *cursor;
    char* next = strchr(text, '\n');
    if (next != NULL) *next++ = '\0';
    *cursor = next != NULL ? next : text + strlen(text);
    char dev[16];
    unsigned long inode;
    int path_at = 0;
    if (sscanf(text, "%lx-%lx %7s %lx %15s %lu %n", &line->start, &line->end, line->perms,
               &line->offset, dev, &inode, &path_at) >= 6) {
      line->path = path_at > 0 ? text + path_at : "";
      return 1;
    }
  }
  return 0;
}

// Prints each /proc/self/maps line that overlaps the window, addresses relative to the base:
// "<key> base+0x0-base+0x3000 rw-p <offset> <path>". Device and inode are left out (they differ
// by design; see oracle/normalise), and so is every line outside the window.
static inline void obs_maps(const char* key) {
  char* text = obs_read_maps(key);
  if (text == NULL) return;
  int shown = 0;
  struct obs_maps_line m;
  while (obs_next_maps_line(&text, &m)) {
    if (m.end <= obs_base || m.start >= at_page(WINDOW_PAGES)) continue;
    char a[40], b[40];
    obs(key, "%s-%s %s %lx%s%s", obs_rel(m.start, a, sizeof a), obs_rel(m.end, b, sizeof b),
        m.perms, m.offset, *m.path ? " " : "", m.path);
    shown++;
  }
  if (shown == 0) obs(key, "none");
}

// An address relative to any base: "<name>+0x..." or "<name>-0x...".
static inline const char* obs_rel_to(uintptr_t addr, uintptr_t base, const char* name, char* buf,
                                     size_t size) {
  if (addr >= base) {
    snprintf(buf, size, "%s+0x%lx", name, (unsigned long)(addr - base));
  } else {
    snprintf(buf, size, "%s-0x%lx", name, (unsigned long)(base - addr));
  }
  return buf;
}

// Finds the /proc/self/maps line whose path is `name` ("[stack]", "[heap]"): 1 with its range,
// 0 when there is none.
static inline int obs_find_mapping(const char* name, uintptr_t* start, uintptr_t* end) {
  char* text = obs_read_maps("maps.find");
  if (text == NULL) return 0;
  struct obs_maps_line m;
  while (obs_next_maps_line(&text, &m)) {
    if (strcmp(m.path, name) == 0) {
      *start = m.start;
      *end = m.end;
      return 1;
    }
  }
  return 0;
}

// Prints each maps line overlapping [lo, hi), addresses relative to `base` under `name`:
// "<key> name+0x0-name+0x3000 rw-p <offset> <path>" (device and inode left out), or "none".
static inline void obs_maps_range(const char* key, uintptr_t lo, uintptr_t hi, uintptr_t base,
                                  const char* name) {
  char* text = obs_read_maps(key);
  if (text == NULL) return;
  int shown = 0;
  struct obs_maps_line m;
  while (obs_next_maps_line(&text, &m)) {
    if (m.end <= lo || m.start >= hi) continue;
    char a[48], b[48];
    obs(key, "%s-%s %s %lx%s%s", obs_rel_to(m.start, base, name, a, sizeof a),
        obs_rel_to(m.end, base, name, b, sizeof b), m.perms, m.offset, *m.path ? " " : "", m.path);
    shown++;
  }
  if (shown == 0) obs(key, "none");
}
