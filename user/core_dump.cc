// A program that dies with a core file: it checks the dump settings it starts with
// (PR_GET_DUMPABLE 1, PR_SET_DUMPABLE's argument check, RLIMIT_CORE unlimited), writes memory a
// debugger must find in the core (a string in its .bss, a page of counting words at a fixed
// address), then stores through an unmapped pointer in a function of its own, so that the core's
// pc is that store, its link register points back into main, and its siginfo names the address.
// scripts/check-core-gdb.sh reads the core with gdb.

#include "user/lib/ktap.h"
#include "user/lib/print.h"
#include "user/lib/start.h"
#include "user/lib/syscall.h"

namespace {

#if defined(__aarch64__)
constexpr long NR_PRLIMIT64 = 261;
#else
constexpr long NR_PRLIMIT64 = 325;
#endif
constexpr long PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4, RLIMIT_CORE = 4;
constexpr uint64_t RLIM_INFINITY = ~uint64_t{0};
constexpr uint64_t WORDS_AT = 0x50000000;
constexpr uint64_t UNMAPPED = 0x100000000;

}  // namespace

// Found by name in the core.
volatile char core_marker[32];

// Not inlined: the fault's pc is in here and the link register in main.
[[gnu::noinline]] void core_dump_crash(volatile int* where) { *where = 0x5eed; }

int main(const StartInfo&) {
  ktap_plan(3);
  ktap_run("dumpable_by_default",
           [] { KTAP_EXPECT(sys::call(sys::NR_PRCTL, PR_GET_DUMPABLE) == 1); });
  ktap_run("set_dumpable_checks_its_argument", [] {
    KTAP_EXPECT(sys::call(sys::NR_PRCTL, PR_SET_DUMPABLE, 2) == -sys::EINVAL);
    KTAP_EXPECT(sys::call(sys::NR_PRCTL, PR_SET_DUMPABLE, 1) == 0);
    KTAP_EXPECT(sys::call(sys::NR_PRCTL, PR_GET_DUMPABLE) == 1);
  });
  ktap_run("core_limit_starts_unlimited", [] {
    uint64_t limit[2] = {1, 1};
    KTAP_EXPECT(sys::call(NR_PRLIMIT64, 0, RLIMIT_CORE, 0, reinterpret_cast<long>(limit)) == 0);
    KTAP_EXPECT(limit[0] == RLIM_INFINITY && limit[1] == RLIM_INFINITY);
  });
  print_flush();
  const char text[] = "maplet core marker";
  for (size_t i = 0; i < sizeof(text); i++) core_marker[i] = text[i];
  const long words = sys::mmap(WORDS_AT, 4096, sys::PROT_READ | sys::PROT_WRITE,
                               sys::MAP_PRIVATE | sys::MAP_ANONYMOUS | sys::MAP_FIXED_NOREPLACE);
  if (words == static_cast<long>(WORDS_AT)) {
    for (uint64_t i = 0; i < 512; i++) sys::at<volatile uint64_t>(words)[i] = 0xc0de0000 + i;
  }
  core_dump_crash(reinterpret_cast<volatile int*>(UNMAPPED));
  print("# still running after the fault\n");
  return 1;
}
