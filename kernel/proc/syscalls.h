// The system calls of user processes, with Linux's numbers per arch (kernel/proc/process_arch.h)
// and Linux 6.12's semantics for the cases implemented; every other number is ENOSYS (logged
// with its number as a kernel "~log" line), among them rt_sigaction, rt_sigprocmask,
// rt_sigreturn and sigaltstack (no signal delivery yet); rseq is ENOSYS too, unlogged: glibc
// runs on without it. prlimit64 acts on the caller only (another pid is ESRCH); readlink and
// readlinkat know "/proc/self/exe" only. madvise
// knows MADV_DONTNEED and MADV_DONTNEED_LOCKED only (EINVAL for other advice). Every user pointer
// goes through kernel/proc/uaccess.h: a bad one is EFAULT.
//
// What differs from Linux: fd 0 reads as end of file and fds 1 and 2 write to the process's
// sinks; openat opens only "/proc/self/maps" (and "/proc/<own pid>/maps"), read-only, as a
// snapshot of the maps at open; CLOCK_REALTIME counts from the epoch at boot (there is no
// clock to read the date from); kill and tgkill act on the signal's default action at once:
// ignored signals (SIGCHLD, SIGCONT, SIGURG, SIGWINCH) and the stop signals do nothing, any
// other ends the target as killed by it.
#pragma once

#include "kernel/proc/process.h"

// Handles the system call `p` just made (its SystemCall exit): sets the result, or ends or puts
// the process to sleep.
void handle_syscall(Process& p);
