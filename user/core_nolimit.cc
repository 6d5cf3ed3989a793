// A program that lowers RLIMIT_CORE below one page and then faults: Linux writes no core smaller
// than a page (binfmt->min_coredump), so it must die by SIGSEGV with the core bit clear.

#include "user/lib/ktap.h"
#include "user/lib/print.h"
#include "user/lib/start.h"
#include "user/lib/syscall.h"

int main(const StartInfo&) {
#if defined(__aarch64__)
  constexpr long NR_PRLIMIT64 = 261;
#else
  constexpr long NR_PRLIMIT64 = 325;
#endif
  constexpr long RLIMIT_CORE = 4;
  ktap_plan(1);
  ktap_run("core_limit_lowered", [] {
    const uint64_t limit[2] = {4095, ~uint64_t{0}};
    KTAP_EXPECT(sys::call(NR_PRLIMIT64, 0, RLIMIT_CORE, reinterpret_cast<long>(limit), 0) == 0);
  });
  print_flush();
  *reinterpret_cast<volatile int*>(uintptr_t{0x100000000}) = 1;
  print("# still running after the fault\n");
  return 1;
}
