// The system calls of user processes, with Linux's numbers per arch (kernel/proc/process_arch.h)
// and Linux 6.12's semantics for the cases implemented; every other number is ENOSYS (logged
// with its number as a kernel "~log" line); rseq is ENOSYS too, unlogged: glibc runs on without
// it. prlimit64 acts on the caller only (another pid is ESRCH); readlink and readlinkat know
// "/proc/self/exe" only. madvise
// knows MADV_DONTNEED and MADV_DONTNEED_LOCKED only (EINVAL for other advice). Every user pointer
// goes through kernel/proc/uaccess.h: a bad one is EFAULT.
//
// What differs from Linux: fd 0 reads as end of file and fds 1 and 2 write to the process's
// sinks; openat opens only "/proc/self/maps" (and "/proc/<own pid>/maps"), read-only, as a
// snapshot of the maps at open; CLOCK_REALTIME counts from the epoch at boot (there is no
// clock to read the date from); kill and tgkill queue the signal (signal_state.h), which the
// target acts on before it next returns to user mode (signal_delivery.h).
#pragma once

#include "kernel/proc/process.h"

// Handles the system call `p` just made (its SystemCall exit): sets the result, or ends or puts
// the process to sleep.
void handle_syscall(Process& p);

// Ends the nanosleep `p` sleeps in because a signal is to be delivered: its result becomes
// -EINTR, with the time left written to the call's rem pointer if it gave one (-EFAULT when that
// cannot be written). `p`'s address space must be active.
void nanosleep_interrupted(Process& p);
