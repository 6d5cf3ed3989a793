// A program that turns core dumps off with prctl(PR_SET_DUMPABLE, 0) and then faults: it must
// die by SIGSEGV without a core (its exit_status case checks that the core bit is clear).

#include "user/lib/ktap.h"
#include "user/lib/print.h"
#include "user/lib/start.h"
#include "user/lib/syscall.h"

int main(const StartInfo&) {
  constexpr long PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4;
  ktap_plan(1);
  ktap_run("dumpable_off", [] {
    KTAP_EXPECT(sys::call(sys::NR_PRCTL, PR_SET_DUMPABLE, 0) == 0);
    KTAP_EXPECT(sys::call(sys::NR_PRCTL, PR_GET_DUMPABLE) == 0);
  });
  print_flush();
  *reinterpret_cast<volatile int*>(uintptr_t{0x100000000}) = 1;
  print("# still running after the fault\n");
  return 1;
}
