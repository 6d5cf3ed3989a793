// Dies of a plain SIGSEGV and leaves a core on both kernels (Linux's /init raises RLIMIT_CORE as
// Maplet starts its programs, oracle/init.c): in its window, one mapping of three read-write
// pages, the first two written with known bytes (core_window.h) and the third never touched, then
// a PROT_NONE page, into which it stores (SEGV_ACCERR at base+3 pages+0x10). oracle/core-compare
// compares the two kernels' cores; the lines printed before the fault are compared as usual.
// On powerpc it first runs one VSX instruction (core_window_open says why).
#include "oracle/programs/core_window.h"

// Not inlined: the core's pc is the store in here, the same instruction on both kernels.
__attribute__((noinline)) static void core_segv_store(volatile int* where) { *where = 0x5eed; }

int main(void) {
  core_window_open(0);
  obs_mmap("core.none", at_page(3), obs_page, PROT_NONE,
           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE);
  obs("core.filled", "2 pages");
  core_segv_store((volatile int*)(at_page(3) + 0x10));
  obs("core.after_fault", "still running");
  return 1;
}
