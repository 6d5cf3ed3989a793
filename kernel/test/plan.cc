#include "kernel/test/plan.h"

namespace ktest {
namespace {

bool g_announced = false;
unsigned g_total = 0;

}  // namespace

void announce_plan(Sink& out, unsigned total) {
  g_announced = true;
  g_total = total;
  format(out, "~plan %u\n", total);
}

void grow_plan(Sink& out, unsigned more) {
  if (!g_announced || more == 0) return;
  g_total += more;
  format(out, "~plan %u\n", g_total);
}

}  // namespace ktest
