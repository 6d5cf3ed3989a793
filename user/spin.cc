// A program that never calls the kernel again after its one case: the kernel must stop it at
// its time limit (its own exit_status case checks that) instead of hanging. While it spins it
// checks that its registers survive every preemption; if they did not, it would exit 1 and the
// kernel's case would fail.

#include "user/lib/ktap.h"
#include "user/lib/print.h"
#include "user/lib/start.h"
#include "user/lib/syscall.h"

int main(const StartInfo&) {
  ktap_plan(1);
  ktap_run("spins_until_stopped", [] {});
  print_flush();
  uint64_t a = 0, b = 0;
  for (;;) {
    // Two values kept in registers that only stay in step if nothing clobbers them.
    asm volatile("" : "+r"(a), "+r"(b));
    a += 1;
    b += 3;
    if (b != 3 * a) sys::exit_group(1);
  }
}
