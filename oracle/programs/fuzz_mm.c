// Differential fuzzing of the mm calls: for each seed in FUZZ_SEEDS (a comma-separated list the
// build passes from oracle/fuzz-seeds, or `make fuzz FUZZ_SEEDS=...`), a random sequence of
// mmap, munmap, mprotect, mremap, madvise and mincore calls with good and bad arguments inside
// the window (mmap's types and MAP_POPULATE, MAP_LOCKED, MAP_NORESERVE and MAP_GROWSDOWN,
// mprotect's PROT_GROWSDOWN, MREMAP_DONTUNMAP, the advice that changes only VMA flags; half of
// munmap's, mprotect's, mremap's and madvise's ranges at or inside a mapping the window's maps
// show), each result printed, and touches between them. A touch reads or writes only a page
// the kernel's own /proc/self/maps shows readable or writable, so that it faults only where the
// object behind the page ends first (a shared mapping mremap grew past its shmem object, SIGBUS);
// what it reads back, or the signal, is printed. Each seed ends with the window's maps and unmaps
// the window, so the next seed starts from the same empty window. Its maps lines leave the path
// out, and the offset of shared mappings: in the window both come from the shmem object behind
// shared anonymous memory, which Maplet does not have (mremap_errors observes that known
// difference), so it does not hide what the fuzzing finds.
#define _GNU_SOURCE
#include "oracle/programs/obs.h"
#include "oracle/programs/obs_signal.h"

#ifndef MAP_DROPPABLE
#define MAP_DROPPABLE 0x08  // include/uapi/linux/mman.h (Linux 6.11), newer than the C library
#endif

#ifndef FUZZ_SEEDS
#define FUZZ_SEEDS 1
#endif

enum { STEPS = 48 };

static uint64_t rng;

static uint64_t next(void) {
  // xorshift64*: the same sequence on every kernel and arch for a seed.
  rng ^= rng >> 12;
  rng ^= rng << 25;
  rng ^= rng >> 27;
  return rng * 0x2545f4914f6cdd1dull;
}

static unsigned pick(unsigned n) { return (unsigned)(next() >> 33) % n; }

// A page of the window, now and then one past it or unaligned.
static uintptr_t addr_arg(void) {
  uintptr_t a = at_page(pick(WINDOW_PAGES - 8));
  if (pick(16) == 0) a += 1 + pick((unsigned)obs_page - 1);
  return a;
}

static size_t len_arg(void) {
  switch (pick(16)) {
    case 0:
      return 0;
    case 1:
      return (size_t)-obs_page;
    case 2:
      return 1 + pick((unsigned)obs_page * 2);
    default:
      return (1 + pick(8)) * obs_page;
  }
}

static int prot_arg(void) {
  static const int prots[] = {
      PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE, PROT_READ | PROT_WRITE, PROT_READ | PROT_EXEC,
      0x40};
  return prots[pick(sizeof prots / sizeof prots[0])];
}

// The window's maps, read to decide which pages a touch may use: 'r', 'w' or '-' per page, and
// which are shared.
static char access_of[WINDOW_PAGES];
static char shared_of[WINDOW_PAGES];

// And its mappings in order: the first page of each inside the window and the page past its end
// there.
static size_t vma_first[WINDOW_PAGES], vma_end[WINDOW_PAGES];
static size_t vmas;

static void learn_access(void) {
  memset(access_of, '-', sizeof access_of);
  memset(shared_of, 0, sizeof shared_of);
  vmas = 0;
  char* text = obs_read_maps("fuzz.maps");
  if (text == NULL) return;
  for (char* line = text; *line != '\0';) {
    char* end_of_line = strchr(line, '\n');
    if (end_of_line != NULL) *end_of_line++ = '\0';
    unsigned long s, e;
    char perms[8];
    if (sscanf(line, "%lx-%lx %7s", &s, &e, perms) == 3) {
      size_t first = WINDOW_PAGES, end = 0;
      for (size_t i = 0; i < WINDOW_PAGES; i++) {
        uintptr_t p = at_page(i);
        if (p < s || p >= e) continue;
        access_of[i] = perms[1] == 'w' ? 'w' : perms[0] == 'r' ? 'r' : '-';
        shared_of[i] = perms[3] == 's';
        if (first == WINDOW_PAGES) first = i;
        end = i + 1;
      }
      if (first < end) {
        vma_first[vmas] = first;
        vma_end[vmas] = end;
        vmas++;
      }
    }
    line = end_of_line != NULL ? end_of_line : line + strlen(line);
  }
}

// The range of a call that acts on mappings (munmap, mprotect, mremap, madvise): half the time,
// when the window has a mapping that starts in its first WINDOW_PAGES - 8 pages, one of those
// mappings' first page or a page inside it, and a length inside it or a page or two past its end,
// so that the calls reach what they act on; otherwise the range drawn from the whole window, bad
// arguments included. Like addr_arg's and len_arg's, the range starts in those pages and is 8
// pages long at most, so that it and a grown mremap stay in the window.
static void range_arg(uintptr_t* a, size_t* len) {
  learn_access();
  if (vmas == 0 || pick(2) == 0) return;
  size_t v = pick((unsigned)vmas);
  size_t last = vma_end[v] < WINDOW_PAGES - 8 ? vma_end[v] : WINDOW_PAGES - 8;
  if (vma_first[v] >= last) return;
  size_t first = vma_first[v] + (pick(2) == 0 ? 0 : pick((unsigned)(last - vma_first[v])));
  size_t inside = vma_end[v] - first;
  size_t pages = pick(4) == 0 ? inside + 1 + pick(2) : 1 + pick(inside < 8 ? (unsigned)inside : 8);
  *a = at_page(first);
  *len = (pages < 8 ? pages : 8) * obs_page;
}

// The SIGBUS of a touch past the end of a shmem object: the handler leaves by siglongjmp.
static sigjmp_buf touch_jump;
static int touch_code;

static void on_touch_fault(int signo, siginfo_t* info, void* context) {
  (void)signo;
  (void)context;
  touch_code = info->si_code;
  siglongjmp(touch_jump, 1);
}

static void touch(char* key) {
  learn_access();
  size_t i = pick(WINDOW_PAGES);
  volatile char* p = (volatile char*)at_page(i) + pick((unsigned)obs_page);
  if (sigsetjmp(touch_jump, 1) != 0) {
    obs(key, "sigbus page %zu code %d", i, touch_code);
    return;
  }
  if (access_of[i] == 'w' && pick(2) == 0) {
    char v = (char)(1 + pick(100));
    *p = v;
    obs(key, "write page %zu %d", i, v);
  } else if (access_of[i] != '-') {
    obs(key, "read page %zu %d", i, *p);
  } else {
    obs(key, "skip page %zu", i);
  }
}

static void result_ptr(const char* key, void* p) {
  char buf[40];
  if (p == MAP_FAILED) {
    obs(key, "error %s", errno_name(errno));
  } else {
    obs(key, "ok %s", obs_rel((uintptr_t)p, buf, sizeof buf));
  }
}

static void step(unsigned seed, int n) {
  char key[64];
  snprintf(key, sizeof key, "fuzz.%u.%d", seed, n);
  uintptr_t a = addr_arg();
  size_t len = len_arg();
  switch (pick(8)) {
    case 0:
    case 1: {
      static const int kinds[] = {MAP_FIXED_NOREPLACE, MAP_FIXED, MAP_FIXED_NOREPLACE, 0};
      static const int types[] = {MAP_SHARED, MAP_SHARED_VALIDATE, MAP_DROPPABLE};
      // Now and then one of the flags that change the VMA beyond its type: populated, locked
      // (the pages faulted in, MADV_DONTNEED refused), not accounted, a stack.
      static const int extras[] = {MAP_POPULATE, MAP_LOCKED, MAP_NORESERVE, MAP_GROWSDOWN};
      int flags = MAP_ANONYMOUS | MAP_PRIVATE;
      if (pick(8) == 0) flags = MAP_ANONYMOUS | types[pick(3) == 0 ? 1 + pick(2) : 0];
      flags |= kinds[pick(4)];
      if (pick(4) == 0) flags |= extras[pick(4)];
      int prot = prot_arg();
      obs(key, "mmap +0x%lx 0x%zx prot 0x%x flags 0x%x", (unsigned long)(a - obs_base), len, prot,
          flags);
      void* p = mmap((void*)a, len, prot, flags, -1, 0);
      if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) == 0 && p != MAP_FAILED && p != (void*)a) {
        // Placed where the randomised layout had room: only that it was not at the hint is
        // the same on both kernels. Unmapped, so later steps and the maps see only the window.
        obs(key, "ok not_at_hint");
        munmap(p, len);
      } else {
        result_ptr(key, p);
      }
      break;
    }
    case 2:
      range_arg(&a, &len);
      obs(key, "munmap +0x%lx 0x%zx", (unsigned long)(a - obs_base), len);
      obs_status(key, munmap((void*)a, len));
      break;
    case 3: {
      range_arg(&a, &len);
      int prot = prot_arg() | (pick(8) == 0 ? PROT_GROWSDOWN : 0);
      obs(key, "mprotect +0x%lx 0x%zx 0x%x", (unsigned long)(a - obs_base), len, prot);
      obs_status(key, mprotect((void*)a, len, prot));
      break;
    }
    case 4: {
      range_arg(&a, &len);
      size_t new_len = len_arg();
      static const int kinds[] = {0,
                                  MREMAP_MAYMOVE,
                                  MREMAP_MAYMOVE | MREMAP_FIXED,
                                  MREMAP_MAYMOVE | MREMAP_FIXED,
                                  MREMAP_FIXED,
                                  MREMAP_MAYMOVE | MREMAP_DONTUNMAP,
                                  MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP,
                                  MREMAP_DONTUNMAP};
      int flags = kinds[pick(8)];
      uintptr_t to = addr_arg();
      // old_len 0 of a shared mapping asks for a duplicate, which Maplet cannot make (a known
      // difference, see mremap_errors): a page instead.
      if (len == 0 && a >= obs_base && shared_of[(a - obs_base) / obs_page]) len = obs_page;
      // MREMAP_DONTUNMAP needs equal lengths: mostly given.
      if ((flags & MREMAP_DONTUNMAP) && pick(4) != 0) new_len = len;
      obs(key, "mremap +0x%lx 0x%zx 0x%zx flags 0x%x to +0x%lx", (unsigned long)(a - obs_base), len,
          new_len, flags, (unsigned long)(to - obs_base));
      void* p = mremap((void*)a, len, new_len, flags, (void*)to);
      // Without MREMAP_FIXED, MREMAP_DONTUNMAP takes the target as a hint.
      void* wanted = (flags & MREMAP_DONTUNMAP) ? (void*)to : (void*)a;
      if ((flags & (MREMAP_MAYMOVE | MREMAP_FIXED)) == MREMAP_MAYMOVE && p != MAP_FAILED &&
          p != wanted) {
        // Moved to where the kernel chose (as mmap without a usable hint).
        obs(key, "ok moved");
        munmap(p, new_len);
      } else {
        result_ptr(key, p);
      }
      break;
    }
    case 5: {
      // MADV_DONTNEED and bad advice, or now and then advice that changes only the VMA's flags
      // (and so splits and merges) or nothing.
      static const int advice[] = {MADV_DONTNEED, MADV_DONTNEED, 12345};
      static const int other[] = {MADV_NORMAL,   MADV_RANDOM, MADV_SEQUENTIAL,     MADV_WILLNEED,
                                  MADV_DONTFORK, MADV_DOFORK, MADV_DONTNEED_LOCKED};
      range_arg(&a, &len);
      int adv = pick(2) == 0 ? other[pick(7)] : advice[pick(3)];
      obs(key, "madvise +0x%lx 0x%zx %d", (unsigned long)(a - obs_base), len, adv);
      obs_status(key, madvise((void*)a, len, adv));
      break;
    }
    case 6: {
      unsigned char vec[16];
      size_t l = len > 8 * obs_page ? len : len % (8 * obs_page + 1);
      obs(key, "mincore +0x%lx 0x%zx", (unsigned long)(a - obs_base), l);
      if (mincore((void*)a, l, vec) != 0) {
        obs(key, "error %s", errno_name(errno));
      } else {
        char bits[17];
        size_t pages = (l + obs_page - 1) / obs_page, i = 0;
        for (; i < pages && i < 16; i++) bits[i] = (char)('0' + (vec[i] & 1));
        bits[i] = '\0';
        obs(key, "ok %s", bits);
      }
      break;
    }
    default:
      touch(key);
      break;
  }
}

static void window_maps(const char* key) {
  char* text = obs_read_maps(key);
  if (text == NULL) return;
  int shown = 0;
  for (char* line = text; *line != '\0';) {
    char* end_of_line = strchr(line, '\n');
    if (end_of_line != NULL) *end_of_line++ = '\0';
    unsigned long s, e, offset;
    char perms[8];
    if (sscanf(line, "%lx-%lx %7s %lx", &s, &e, perms, &offset) == 4 && e > obs_base &&
        s < at_page(WINDOW_PAGES)) {
      char a[40], b[40];
      // A shared anonymous mapping's offset is its page in the shmem object behind it, which
      // Maplet does not have (the same known difference as its name).
      obs(key, "%s-%s %s %lx", obs_rel(s, a, sizeof a), obs_rel(e, b, sizeof b), perms,
          perms[3] == 's' ? 0ul : offset);
      shown++;
    }
    line = end_of_line != NULL ? end_of_line : line + strlen(line);
  }
  if (shown == 0) obs(key, "none");
}

int main(void) {
  static const unsigned seeds[] = {FUZZ_SEEDS};
  obs_choose_base();
  if (obs_handle(SIGBUS, on_touch_fault, 0, 0) != 0) {
    obs("handler", "error %s", errno_name(errno));
    return 1;
  }
  for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
    rng = 0x9e3779b97f4a7c15ull ^ seeds[s];
    for (int n = 0; n < STEPS; n++) step(seeds[s], n);
    char key[32];
    snprintf(key, sizeof key, "maps.seed_%u", seeds[s]);
    window_maps(key);
    snprintf(key, sizeof key, "munmap.seed_%u", seeds[s]);
    obs_status(key, munmap((void*)obs_base, WINDOW_PAGES * obs_page));
  }
  return 0;
}
