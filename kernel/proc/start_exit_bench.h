// The kernel's part of the speed measurement (maplet.bench=1): the cost of a process's whole
// life, timed with the kernel's counter from just before exec of a program of the initramfs to
// just after its exit, output discarded, the process then destroyed outside the timing.
#pragma once

#include <stdint.h>

#include "kernel/arch/boot.h"
#include "kernel/lib/format.h"

// Runs the program at `path` `runs` times (at most 64) and writes to `out` the diagnostic
//   # bench process_start_exit <ns> ns median of <runs> (min <ns>, max <ns>)
// or "# bench process_start_exit not available (<why>)" when a run could not start or did not
// exit with status 0 (those of user_program_start, e.g. NotFound).
void bench_process_start_exit(const BootInfo& info, const char* path, unsigned runs, Sink& out);
