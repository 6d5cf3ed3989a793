// A program that dies of a synchronous MTE tag-check fault with a core file: on arm64 with
// HWCAP2_MTE it turns on the tagged address ABI with synchronous checking, maps two PROT_MTE pages
// at 0x60000000, gives granules their own allocation tags (0x3 at 0x60000000, 0xa at 0x60000010,
// 0x5 at 0x60001000), writes a word through the right tag, then stores through a pointer whose
// logical tag (0x7) is not the granule's: SIGSEGV SEGV_MTESERR, so the core has a
// PT_AARCH64_MEMTAG_MTE segment with those tags. Elsewhere (powerpc, arm64 without MTE) it dies
// of a plain SEGV_MAPERR store, so it ends the same way everywhere. scripts/check-core-gdb.sh
// reads its core's tags with gdb's memory-tag commands.

#include "user/lib/ktap.h"
#include "user/lib/print.h"
#include "user/lib/start.h"
#include "user/lib/syscall.h"

namespace {

constexpr uint64_t AT_HWCAP2 = 26, HWCAP2_MTE = uint64_t{1} << 18;
constexpr uint64_t TAGGED_AT = 0x60000000;
constexpr uint64_t UNMAPPED = 0x100000000;

uint64_t with_tag(uint64_t address, uint64_t tag) {
  return (address & ~(uint64_t{0xff} << 56)) | (tag << 56);
}

#if defined(__aarch64__)
constexpr long PROT_MTE = 0x20;
constexpr long PR_SET_TAGGED_ADDR_CTRL = 55, PR_TAGGED_ADDR_ENABLE = 1, PR_MTE_TCF_SYNC = 2;
constexpr int PR_MTE_TAG_SHIFT = 3;
constexpr uint64_t PAGE = 4096;

void stg(uint64_t address) {
  asm volatile(".arch_extension memtag\n\tstg %0, [%0]" ::"r"(address) : "memory");
}
uint64_t ldg(uint64_t address) {
  asm volatile(".arch_extension memtag\n\tldg %0, [%0]" : "+r"(address));
  return (address >> 56) & 0xf;
}
#endif

}  // namespace

// Not inlined: the fault's pc is the store in here.
[[gnu::noinline]] void core_mte_crash(volatile uint64_t* where) { *where = 0xbad; }

int main(const StartInfo& start) {
  ktap_plan(1);
  const bool mte = (getauxval(start, AT_HWCAP2) & HWCAP2_MTE) != 0;
  bool tagged = false;
  ktap_run("tags_set", [&] {
    if (!mte) {
      ktap_skip("no HWCAP2_MTE: a plain fault instead");
      return;
    }
#if defined(__aarch64__)
    const long ctrl = PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | (long{0xfffe} << PR_MTE_TAG_SHIFT);
    KTAP_EXPECT(sys::call(sys::NR_PRCTL, PR_SET_TAGGED_ADDR_CTRL, ctrl, 0, 0, 0) == 0);
    const long m = sys::mmap(TAGGED_AT, 2 * PAGE, sys::PROT_READ | sys::PROT_WRITE | PROT_MTE,
                             sys::MAP_PRIVATE | sys::MAP_ANONYMOUS | sys::MAP_FIXED_NOREPLACE);
    if (!KTAP_EXPECT(m == static_cast<long>(TAGGED_AT))) return;
    stg(with_tag(TAGGED_AT, 0x3));
    stg(with_tag(TAGGED_AT + 16, 0xa));
    stg(with_tag(TAGGED_AT + PAGE, 0x5));
    KTAP_EXPECT(ldg(TAGGED_AT) == 0x3 && ldg(TAGGED_AT + 16) == 0xa);
    KTAP_EXPECT(ldg(TAGGED_AT + PAGE) == 0x5 && ldg(TAGGED_AT + 32) == 0);
    sys::at<volatile uint64_t>(static_cast<long>(with_tag(TAGGED_AT, 0x3)))[0] = 0x7a66ed;
    tagged = true;
#endif
  });
  print_flush();
  // Logical tag 0x7 on a granule whose allocation tag is 0x3.
  const uint64_t target = tagged ? with_tag(TAGGED_AT, 0x7) : UNMAPPED;
  core_mte_crash(reinterpret_cast<volatile uint64_t*>(target));
  print("# still running after the fault\n");
  return 1;
}
