// The shared zero page (Linux mm/memory.c do_anonymous_page, do_wp_page): a read fault of private
// anonymous memory maps it and gives the mapping no anon_vma; the first write copies it and
// gives the mapping its anon_vma then, which decides the merges after it. A page mapped between
// two mappings that were only read merges with both; between two that were read and then
// written (directly, after mprotect to PROT_WRITE, after mremap moved them) it merges with one
// at most. What reads see: zeros, then what was written, only in the page written.
#define _GNU_SOURCE
#include "oracle/programs/obs.h"

static const int RW = PROT_READ | PROT_WRITE;
static const int FIXED = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;

static int read_byte(const char* p) { return *(const volatile char*)p; }

// Maps one page at `page` and one at `page` + 2 with prot, reads each, and returns the first.
static char* read_pair(const char* key, size_t page, int prot) {
  char* left = obs_mmap(key, at_page(page), obs_page, prot, FIXED);
  char* right = obs_mmap(key, at_page(page + 2), obs_page, prot, FIXED);
  if (left == NULL || right == NULL) _exit(1);
  obs("read.pair", "%d %d", read_byte(left), read_byte(right));
  return left;
}

// Maps the page between the pair and shows how the three merged.
static void fill_gap(const char* key, size_t page) {
  if (obs_mmap("mmap.gap", at_page(page + 1), obs_page, RW, FIXED) == NULL) _exit(1);
  obs_maps(key);
}

int main(void) {
  obs_choose_base();

  read_pair("mmap.read_only", 0, RW);
  fill_gap("maps.read_only", 0);

  char* w = read_pair("mmap.read_then_write", 10, RW);
  w[0] = 7;
  w[2 * obs_page] = 9;
  obs("read.written_pair", "%d %d", read_byte(w), read_byte(w + 2 * obs_page));
  fill_gap("maps.read_then_write", 10);

  char* p = read_pair("mmap.read_then_mprotect", 20, PROT_READ);
  obs_status("mprotect.left_rw", mprotect(p, obs_page, RW));
  obs_status("mprotect.right_rw", mprotect(p + 2 * obs_page, obs_page, RW));
  p[0] = 3;
  p[2 * obs_page] = 4;
  obs("read.mprotected_pair", "%d %d", read_byte(p), read_byte(p + 2 * obs_page));
  fill_gap("maps.read_then_mprotect", 20);

  // Two pages read, then moved: the move carries the zero page, the write after it copies.
  char* m = obs_mmap("mmap.to_move", at_page(40), 2 * obs_page, RW, FIXED);
  if (m == NULL) return 1;
  obs("read.to_move", "%d %d", read_byte(m), read_byte(m + obs_page));
  void* moved =
      mremap(m, 2 * obs_page, 2 * obs_page, MREMAP_MAYMOVE | MREMAP_FIXED, (void*)at_page(30));
  if (moved != (void*)at_page(30)) {
    obs("mremap.moved", "error %s", errno_name(errno));
    return 1;
  }
  obs("mremap.moved", "ok");
  char* n = (char*)at_page(30);
  n[obs_page] = 5;
  obs("read.moved", "%d %d", read_byte(n), read_byte(n + obs_page));
  if (obs_mmap("mmap.after_moved", at_page(32), obs_page, RW, FIXED) == NULL) return 1;
  obs("read.after_moved", "%d", read_byte((char*)at_page(32)));
  obs_maps("maps.moved");

  // MADV_DONTNEED drops a written page and a read one alike: both read zero again.
  obs_status("madvise.dontneed", madvise(n, 2 * obs_page, MADV_DONTNEED));
  obs("read.after_dontneed", "%d %d", read_byte(n), read_byte(n + obs_page));
  return 0;
}
