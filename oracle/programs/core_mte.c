// arm64 MTE: dies of a synchronous tag-check fault and leaves a core on both kernels. In its
// window, three PROT_MTE read-write pages, the first two written with known bytes
// (core_window.h), then given allocation tags (0x3 on granule 0, 0xa on granule 1, 0x5 on page 1's
// granule 0; the rest 0), the third never touched (no tags in the core); then a store through
// logical tag 0x7 at the base (allocation tag 0x3): SIGSEGV SEGV_MTESERR. oracle/core-compare
// compares the cores, their PT_AARCH64_MEMTAG_MTE segments byte for byte. Elsewhere than arm64,
// and without HWCAP2_MTE, it prints only mte.available and exits (no core).
#define _GNU_SOURCE
#include <sys/prctl.h>

#include "oracle/programs/core_window.h"
#include "oracle/programs/obs.h"

#if defined(__aarch64__)

#define PROT_MTE_BIT 0x20
#define HWCAP2_MTE_BIT (1ul << 18)

__asm__(
    ".text\n"
    ".arch armv8.5-a+memtag\n"
    ".globl core_mte_stg\ncore_mte_stg:\n\tstg x0, [x0]\n\tret\n"
    ".globl core_mte_ldg\ncore_mte_ldg:\n\tldg x0, [x0]\n\tubfx x0, x0, #56, #4\n\tret\n");
// STG of address's tag to its granule; LDG returns the granule's tag.
void core_mte_stg(uintptr_t address);
unsigned long core_mte_ldg(uintptr_t address);

static uintptr_t with_tag(uintptr_t address, unsigned tag) {
  return (address & ~(0xfful << 56)) | ((uintptr_t)tag << 56);
}

// Not inlined: the core's pc is the store in here, the same instruction on both kernels.
__attribute__((noinline)) static void core_mte_store(volatile long* where) { *where = 0xbad; }

int main(void) {
  obs_page = (size_t)getauxval(AT_PAGESZ);
  if ((getauxval(AT_HWCAP2) & HWCAP2_MTE_BIT) == 0) {
    obs("mte.available", "no");
    return 0;
  }
  obs("mte.available", "yes");
  const unsigned long ctrl = PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | (0xfffeul << PR_MTE_TAG_SHIFT);
  obs_status("core.prctl", prctl(PR_SET_TAGGED_ADDR_CTRL, ctrl, 0, 0, 0));
  obs_choose_base();
  obs_mmap("core.window", at_page(0), 3 * obs_page, PROT_READ | PROT_WRITE | PROT_MTE_BIT,
           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE);
  // The bytes first, through tag 0 while every tag is still 0; then the tags.
  core_window_fill(at_page(0), obs_page, 2);
  core_mte_stg(with_tag(at_page(0), 0x3));
  core_mte_stg(with_tag(at_page(0) + 16, 0xa));
  core_mte_stg(with_tag(at_page(1), 0x5));
  obs("core.tags", "%lx %lx %lx %lx", core_mte_ldg(at_page(0)), core_mte_ldg(at_page(0) + 16),
      core_mte_ldg(at_page(0) + 32), core_mte_ldg(at_page(1)));
  core_mte_store((volatile long*)with_tag(at_page(0), 0x7));
  obs("core.after_fault", "still running");
  return 1;
}

#else

int main(void) {
  obs("mte.available", "no");
  return 0;
}

#endif
