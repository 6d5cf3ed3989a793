// The cost of a process's whole life, timed with the kernel's counter from just before exec of a
// program of the initramfs to just after its exit, output discarded, the process then destroyed
// outside the timing: the kernel's part of the speed measurement (maplet.bench=1) and of the
// oracle's (maplet.oracle=1, where the kernel is the parent /init has on Linux).
#pragma once

#include <stdint.h>

#include "kernel/arch/boot.h"
#include "kernel/lib/format.h"
#include "kernel/lib/result.h"

constexpr unsigned START_EXIT_MAX_RUNS = 64;

// The program and its argv: argv0 (the path when null), then args.
struct StartExitProgram {
  const char* path;
  const char* argv0;
  const char* const* args;
  unsigned arg_count;
};

// Runs `program` `runs` times (1 to START_EXIT_MAX_RUNS) and stores each life's counter ticks in
// ticks[0..runs). Errors: those of user_program_start (e.g. NotFound), with *reason; Error::Invalid
// when `runs` is out of range or a run did not exit with status 0 (*reason says which).
Result<void> time_start_exit(const BootInfo& info, const StartExitProgram& program, unsigned runs,
                             uint64_t* ticks, const char** reason);

// time_start_exit of the program at `path`, written to `out` as the diagnostic
//   # bench process_start_exit <ns> ns median of <runs> (min <ns>, max <ns>)
// or "# bench process_start_exit not available (<path>: <why>)".
void bench_process_start_exit(const BootInfo& info, const char* path, unsigned runs, Sink& out);
