// The smallest test program: one case and exit status 0. The kernel starts it hundreds of times
// to prove that a process lifetime gives back every page.

#include "user/lib/ktap.h"
#include "user/lib/start.h"

int main(const StartInfo&) {
  ktap_plan(1);
  ktap_run("starts_and_exits", [] {});
  return ktap_finish();
}
