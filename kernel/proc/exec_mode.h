// The kernel's exec mode (maplet-run --exec): with "maplet.exec=PATH" on the command line the
// kernel runs no test suite; it starts PATH from the initramfs as the first user process (pid 1,
// parent 0) and reports how it ended. The runner packs the rest of the request as files of the
// initramfs:
//
//   /exec/argv    the argument strings, each ending with a NUL (absent: argv = {PATH})
//   /exec/envp    the environment strings, likewise (absent: an empty environment)
//   /exec/stdin   the bytes fd 0 reads, then end of file (absent: end of file at once)
//
// Its standard output and error go to the console as "~out"/"~err" lines
// (kernel/proc/console_stream.h); maplet.user_timeout=SECONDS bounds it as it bounds the test
// programs. Last comes one status line, which the runner turns into its exit status:
//
//   ~status exit <code>
//   ~status signal <number> code <si_code> addr 0x<si_addr> pc 0x<pc>
//   ~status timeout
//   ~status refused <why>       the program could not be started (the loader's reason)
//
// A list file that does not end with a NUL or holds more than MAX_EXEC_STRINGS strings is
// refused the same way.
#pragma once

#include <stddef.h>

#include "kernel/arch/boot.h"

inline constexpr size_t MAX_EXEC_STRINGS = 256;

// "maplet.exec=" is on the command line.
bool exec_mode_requested(const BootInfo& info);
// Runs the program and prints its output and status line on the console.
void exec_mode_run(const BootInfo& info);
