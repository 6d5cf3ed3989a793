// The system calls of user processes, with Linux's numbers per arch (kernel/proc/process_arch.h)
// and Linux 6.12's semantics for the cases implemented (more in kernel/proc/syscalls_libc.h);
// every other number is ENOSYS, reported once per number (kernel/proc/unknown_syscall.h); rseq is
// kernel/proc/rseq.h. prlimit64 acts on the caller only (another pid is ESRCH); readlink and
// readlinkat know "/proc/self/exe" only. madvise
// knows MADV_DONTNEED and MADV_DONTNEED_LOCKED only (EINVAL for other advice). Every user pointer
// goes through kernel/proc/uaccess.h: a bad one is EFAULT.
//
// What differs from Linux: fd 0 reads its stdin bytes (kernel/proc/exec.h; none: end of file)
// and fds 1 and 2 write to the process's sinks; openat (and powerpc's open) opens only
// "/proc/self/maps" (and "/proc/<own pid>/maps") and "/proc/sys/vm/mmap_min_addr", read-only
// (Linux, to root, also opens them for writing), whose text is made anew by each read at offset 0
// (Linux makes it as it is read, piece by piece), and faccessat (and powerpc's access) finds those
// files only, as root does on Linux (R_OK and W_OK pass, X_OK is EACCES); dup shares an fd's open
// file description (its position too) with the lowest fd not open, of 8 (Linux allows
// RLIMIT_NOFILE, 1024); CLOCK_REALTIME counts from the epoch at boot (there is no clock to read the
// date from), as do the other clocks the vDSO serves (kernel/vdso/vdso_data.h) and the alarm clocks
// where the machine has them, and the CPU-time clocks count the process's turns; kill and tgkill
// queue the signal (signal_state.h), which the target acts on before it next returns to user mode
// (signal_delivery.h).
#pragma once

#include "kernel/proc/process.h"

// Handles the system call `p` just made (its SystemCall exit): sets the result, or ends or puts
// the process to sleep.
void handle_syscall(Process& p);

// Ends the sleep (nanosleep, clock_nanosleep, futex) `p` is in because a signal is to be delivered:
// its result becomes -EINTR, with the time left written to the call's rem pointer if it gave one
// (-EFAULT when that cannot be written). `p`'s address space must be active.
void nanosleep_interrupted(Process& p);
