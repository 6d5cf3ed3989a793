// The "~plan N" line of the console protocol: how many cases the run will report, for the
// runner's progress count. The kernel announces the cases it selected before the KTAP header;
// a nested suite whose size is known only once it runs (a user program's own plan) grows the
// total by a further "~plan N" line with the new total, which the runner takes in place of the
// old one.
#pragma once

#include "kernel/lib/format.h"

namespace ktest {

// Prints "~plan total" and remembers the total.
void announce_plan(Sink& out, unsigned total);
// After announce_plan: prints "~plan" with the total grown by `more`. Without an announced plan
// (host tests, listing) it prints nothing.
void grow_plan(Sink& out, unsigned more);

}  // namespace ktest
