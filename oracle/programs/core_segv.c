// Dies of a plain SIGSEGV and leaves a core on both kernels (Linux's /init raises RLIMIT_CORE as
// Maplet starts its programs, oracle/init.c): in its window, one mapping of three read-write
// pages, the first two written with known bytes (core_window.h) and the third never touched, then
// a PROT_NONE page, into which it stores (SEGV_ACCERR at base+3 pages+0x10). oracle/core-compare
// compares the two kernels' cores; the lines printed before the fault are compared as usual.
// On powerpc it first runs one VSX instruction: Linux writes NT_PPC_VMX and NT_PPC_VSX only for a
// program that has used VMX or VSX, and the ppc64le build's glibc uses VSX on POWER10 where the
// big-endian build's uses VMX only, so without it the two builds' cores would differ by design.
#include "oracle/programs/core_window.h"
#include "oracle/programs/obs.h"

// Not inlined: the core's pc is the store in here, the same instruction on both kernels.
__attribute__((noinline)) static void core_segv_store(volatile int* where) { *where = 0x5eed; }

int main(void) {
#if defined(__powerpc64__)
  __asm__ volatile(".machine push\n.machine power7\nxxlor 0, 0, 0\n.machine pop");
#endif
  obs_choose_base();
  obs_mmap("core.window", at_page(0), 3 * obs_page, PROT_READ | PROT_WRITE,
           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE);
  obs_mmap("core.none", at_page(3), obs_page, PROT_NONE,
           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE);
  core_window_fill(at_page(0), obs_page, 2);
  obs("core.filled", "2 pages");
  core_segv_store((volatile int*)(at_page(3) + 0x10));
  obs("core.after_fault", "still running");
  return 1;
}
