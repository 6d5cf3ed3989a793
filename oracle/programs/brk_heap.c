// The program break (Linux mm/mmap.c brk): growing and shrinking it, what the heap's pages hold
// after a shrink and regrowth, an unaligned break, a break below the heap's start, and growth
// stopped by a mapping (Linux keeps one page free above the heap). Results are relative to a
// page-aligned break the program sets first ("brk+0x..."), since the heap starts at a random
// address and glibc's start-up has already moved the break by its TLS size.
#include <sys/syscall.h>

#include "oracle/programs/obs.h"

static uintptr_t brk_base;

static uintptr_t raw_brk(uintptr_t to) { return (uintptr_t)syscall(SYS_brk, to); }

// Sets the break to brk_base + offset and prints where it is now.
static uintptr_t set_brk(const char* key, uintptr_t to) {
  char buf[48];
  uintptr_t now = raw_brk(to);
  obs(key, "%s%s", obs_rel_to(now, brk_base, "brk", buf, sizeof buf), now == to ? "" : " refused");
  return now;
}

static void heap_maps(const char* key) {
  // The heap's start lies below brk_base at a distance that depends on glibc's TLS size.
  obs_maps_range(key, brk_base, brk_base + 64 * obs_page, brk_base, "brk");
}

int main(void) {
  obs_page = (size_t)getauxval(AT_PAGESZ);
  uintptr_t start = raw_brk(0);
  brk_base = (start + 2 * obs_page - 1) / obs_page * obs_page;
  obs("brk.set_aligned", "%s", raw_brk(brk_base) == brk_base ? "ok" : "refused");
  obs("brk.query", "%s", raw_brk(0) == brk_base ? "same" : "moved");
  heap_maps("maps.start");

  set_brk("brk.grow", brk_base + 3 * obs_page);
  volatile char* heap = (volatile char*)brk_base;
  obs("read.grown", "%d", heap[2 * obs_page]);
  heap[2 * obs_page] = 7;
  heap[obs_page] = 5;
  heap_maps("maps.grown");

  set_brk("brk.shrink", brk_base + 2 * obs_page);
  heap_maps("maps.shrunk");
  set_brk("brk.regrow", brk_base + 3 * obs_page);
  obs("read.regrown_page", "%d", heap[2 * obs_page]);
  obs("read.kept_page", "%d", heap[obs_page]);

  set_brk("brk.unaligned", brk_base + 3 * obs_page + 100);
  heap_maps("maps.unaligned");
  set_brk("brk.unaligned_shrink", brk_base + 2 * obs_page + 1);
  heap_maps("maps.unaligned_shrunk");

  char buf[48];
  uintptr_t before = raw_brk(0);
  uintptr_t low = raw_brk(obs_page);
  obs("brk.below_start", "%s",
      low == before ? "unchanged" : obs_rel_to(low, brk_base, "brk", buf, sizeof buf));

  void* wall = mmap((void*)(brk_base + 10 * obs_page), obs_page, PROT_READ,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  obs("mmap.wall", "%s",
      wall == MAP_FAILED ? errno_name(errno)
                         : obs_rel_to((uintptr_t)wall, brk_base, "brk", buf, sizeof buf));
  set_brk("brk.into_wall", brk_base + 12 * obs_page);
  set_brk("brk.onto_wall", brk_base + 10 * obs_page);
  set_brk("brk.page_below_wall", brk_base + 9 * obs_page + 1);
  set_brk("brk.two_pages_below_wall", brk_base + 9 * obs_page);
  heap_maps("maps.below_wall");
  obs("read.last_heap_page", "%d", heap[8 * obs_page]);

  set_brk("brk.shrink_to_base", brk_base);
  heap_maps("maps.final");
  return 0;
}
