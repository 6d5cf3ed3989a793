// A program that sends itself SIGABRT with tgkill after its one case: with no handler the
// default action ends it, and the kernel must report it as killed by SIGABRT (its exit_status
// case checks that).

#include "user/lib/ktap.h"
#include "user/lib/print.h"
#include "user/lib/start.h"
#include "user/lib/syscall.h"

int main(const StartInfo&) {
  ktap_plan(1);
  ktap_run("signals_itself", [] {});
  print_flush();
  constexpr long SIGABRT = 6;
  const long pid = sys::getpid();
  sys::call(sys::NR_TGKILL, pid, pid, SIGABRT);
  print("# still running after SIGABRT\n");
  return 1;
}
