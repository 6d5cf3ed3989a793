// A system call number Maplet does not implement: the caller answers ENOSYS, and the first
// time a process makes it (per number; numbers of 511 and up count as one), it is reported on
// the console as the kernel log line "~log pid P: unknown system call NAME (N): ENOSYS" and as
// the runner's line "~enosys N NAME", which maplet-run --exec shows on its stderr. NAME is the
// arch's Linux name for N (kernel/proc/syscall_names.h), or "?" for a number Linux does not have.
#pragma once

#include "kernel/proc/process.h"

void report_unknown_syscall(Process& p, uint64_t number);
