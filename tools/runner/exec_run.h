#pragma once

// maplet-run --exec PROG [--arch A] [--stdin FILE] [--timeout S] [-- ARGS...]: runs one static
// Linux program on a Maplet kernel as its first user process, and makes its output and status
// maplet-run's own:
//
// 1. PROG is checked before anything boots (tools/runner/elf_probe.h); its ELF header gives the
//    arch unless --arch names one, which must then agree.
// 2. A newc initramfs is written to <artifacts>/exec/initramfs.cpio with PROG as /bin/<name>
//    (<name>: PROG's file name, characters outside [A-Za-z0-9._-] as '_'), and the files of
//    kernel/proc/exec_mode.h: /exec/argv = {<name>, ARGS...}, /exec/envp = {HOME=/,
//    TERM=linux, PATH=/bin} (what Linux gives init, and where the program lives), /exec/stdin =
//    FILE's bytes when --stdin is given.
// 3. The arch's default boot configuration boots it with maplet.exec=/bin/<name> and
//    maplet.user_timeout=ceil(S) (S defaults to 60); QEMU itself is stopped
//    Options::exec_boot_grace_seconds (30) after that, should the kernel not stop the program. The
//    configuration's own kernel command-line words and -initrd are left out.
// 4. "~out"/"~err" go to stdout/stderr byte for byte; the kernel's KTAP and log go to
//    <artifacts>/exec/console.log only (and to stderr with --verbose); each unknown system call
//    the program made is named on stderr once.
//
// Exit status: the program's own; 128+N and a line on stderr (signal, si_code, address, pc, and
// the core file when one arrived) when signal N killed it; EXEC_TIMEOUT when it was still
// running at S seconds; EXEC_CANNOT_RUN for a file that is no program Maplet can run (the
// runner's check or the kernel's loader refused it), EXEC_NOT_FOUND for a missing one;
// EXEC_RUNNER_ERROR for the runner's own trouble (bad options, no QEMU or kernel, a --stdin file
// that cannot be read, the artifacts directory, a kernel that ended without a status line, a
// stop by a signal). Every error is one line on stderr starting "maplet-run: ", and no QEMU is
// left running.

#include <atomic>

#include "tools/runner/options.h"
#include "tools/runner/output.h"

namespace maplet::runner {

// The codes timeout(1) and env(1) use for the same cases.
inline constexpr int EXEC_TIMEOUT = 124;
inline constexpr int EXEC_RUNNER_ERROR = 125;
inline constexpr int EXEC_CANNOT_RUN = 126;
inline constexpr int EXEC_NOT_FOUND = 127;
inline constexpr double EXEC_DEFAULT_TIMEOUT = 60;

[[nodiscard]] int run_exec(const Options& options, Output& output,
                           const std::atomic<bool>* stop = nullptr);

}  // namespace maplet::runner
