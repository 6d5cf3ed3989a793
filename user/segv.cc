// A program that writes through a pointer to an unmapped page after its one case: the kernel
// must end it as killed by SIGSEGV (its own exit_status case checks that) and go on.

#include "user/lib/ktap.h"
#include "user/lib/print.h"
#include "user/lib/start.h"

int main(const StartInfo&) {
  ktap_plan(1);
  ktap_run("runs_until_the_fault", [] {});
  print_flush();
  // Volatile: the store must happen, at an address nothing maps.
  *reinterpret_cast<volatile int*>(uintptr_t{0x100000000}) = 1;
  print("# still running after the fault\n");
  return 1;
}
