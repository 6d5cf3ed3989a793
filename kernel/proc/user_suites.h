// The in-tree user test programs as KTAP suites of the kernel's stream: every regular file
// under /bin/ in the initramfs (the BootInfo's initrd, a newc cpio archive) is the suite
// "user_<name>", selected when the filter matches "user_<name>.exit_status" (so "*",
// "user_*" and "user_hello.*" select it; a case filter inside a program is not supported).
// Each runs as a process (kernel/proc/exec.h) until it ends; its standard output is its KTAP,
// nested by kernel/proc/nested_ktap.h, its standard error goes to the host as "~err" lines, and
// the kernel's own last case "exit_status" passes when the program ended as expected: exit
// status 0, or for the programs that test endings, the signal or the time limit they must meet.
//
// With maplet.oracle=1 the suites are instead the differential programs of oracle/README.md,
// every regular file under /p/ as "oracle_<name>" with argv[0] "<name>": standard output and
// error go to one buffer (64 KiB at most) with run-linux.sh's status line ("status exit N",
// "status signal N", "status timeout") appended, sent to the host as the console artifact
// "<name>.obs"; the case "observation" passes when all of it was sent.
//
// With maplet.bench=1 the suites are instead the speed measurement, every regular file under
// /bench/ as "user_<name>" (user/bench.cc); after each the kernel adds its own figure, the cost
// of a process's life from exec to exit (kernel/proc/start_exit_bench.h), to the suite's stream.
//
// A program past the capacity (64, the oracle's /init among them) or whose name is longer than 40
// characters is not run; then one more suite, "user_programs" (or
// "oracle_programs"), selected by "<that>.left_out", fails its case "left_out" with the count and
// the first such name.
//
// Command line: maplet.args.<name>=A,B,... gives program <name> the arguments A, B, ... after
// argv[0] (at most USER_MAX_ARGS); maplet.user_timeout=SECONDS (default 20) bounds each program;
// norandmaps turns address randomisation off as on Linux; maplet.check_mm=1 walks the page tables
// after every mm system call.
#pragma once

#include "kernel/arch/boot.h"
#include "kernel/lib/result.h"
#include "kernel/proc/exec.h"
#include "kernel/proc/scheduler.h"
#include "kernel/test/run.h"

// The external suites of kernel/test/run.h for the programs of `info`'s initramfs; none when
// there is no initrd, it is not a cpio archive, or the arch has no process description.
ktest::ExternalSuites user_suites(const BootInfo& info);

// The most arguments after argv[0] that user_program_start and maplet.args.<name>= pass.
inline constexpr unsigned USER_MAX_ARGS = 8;

// Starts the program at `path` of the initramfs as a new process with the command line's
// options, its output going to `out` and `err`, argv[0] `argv0` (nullptr: the path) and then
// `args` (arg_count of them). Errors: NotFound (no initramfs or no such file), Invalid (more
// than USER_MAX_ARGS arguments) and those of process_exec (`reason` says which).
Result<Process*> user_program_start(const BootInfo& info, const char* path, Sink* out, Sink* err,
                                    const char** reason, const char* argv0 = nullptr,
                                    const char* const* args = nullptr, unsigned arg_count = 0);
// The request user_program_start makes, to be completed (argv, environment, stdin) and given
// to process_exec. Errors: NotFound, as user_program_start.
Result<ExecRequest> user_exec_request(const BootInfo& info, const char* path, Sink* out, Sink* err,
                                      const char** reason);
// The scheduler options of `info`'s command line.
SchedulerOptions user_scheduler_options(const BootInfo& info);
