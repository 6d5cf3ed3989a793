// The system calls that static C libraries (glibc, musl) make at start-up and in stdio besides
// those of kernel/proc/syscalls.h, with Linux 6.12's semantics for what Maplet has:
//
//   fstat, newfstatat   struct stat in the arch's layout (asm-generic's 128 bytes on arm64,
//                       powerpc64's 144): fds 0-2 are pipes (S_IFIFO, mode 0600), an open
//                       /proc/self/maps a regular file of size 0 (as procfs reports it).
//                       newfstatat needs AT_EMPTY_PATH with "" or a path that is not there
//                       (ENOENT): Maplet has no file system to look names up in.
//   ioctl               ENOTTY on every open fd (none is a terminal: TCGETS says so), EBADF
//                       otherwise.
//   getuid .. getegid   0: the process runs as root, as init does.
//   sched_getaffinity   one CPU: a mask of 8 bytes with bit 0 (EINVAL for a length below 8 or
//                       not a multiple of 8; ESRCH for another pid).
//   sched_yield         0; the process goes to the back of the run queue, as after every system
//                       call here (a turn of the scheduler ends with each).
//   futex               one thread: FUTEX_WAKE wakes nobody (0); FUTEX_WAIT(_BITSET) is EAGAIN
//                       when the word differs, otherwise it sleeps until its timeout
//                       (ETIMEDOUT), or, without one, until the time limit ends the process, as
//                       no other thread could wake it; a signal to be delivered ends the wait
//                       with EINTR. Other operations: ENOSYS.
//   clock_nanosleep     CLOCK_REALTIME, CLOCK_MONOTONIC and CLOCK_BOOTTIME (one clock here,
//                       counting from boot), relative or TIMER_ABSTIME; other clocks EINVAL, a
//                       bad timespec EINVAL. nanosleep is clock_nanosleep(CLOCK_MONOTONIC, 0).
//                       A signal to be delivered ends the sleep early with EINTR, the time left
//                       written to rem for a relative sleep (nanosleep_interrupted,
//                       kernel/proc/syscalls.h).
//   fcntl               F_GETFD/F_SETFD (FD_CLOEXEC, per fd), F_GETFL/F_SETFL (the open file
//                       description's access mode and status flags: O_APPEND, O_NONBLOCK,
//                       O_NOATIME change, O_DIRECT and FASYNC on a pipe only; O_LARGEFILE as
//                       64-bit Linux forces it on an open), F_DUPFD/F_DUPFD_CLOEXEC (the lowest
//                       free fd from the argument, EINVAL from RLIMIT_NOFILE on, EMFILE past
//                       Maplet's 8 fds). EBADF first; every other command EINVAL (Linux carries
//                       out locks, owners, leases, pipe sizes and seals).
//   ppoll               fs/select.c's checks in order; each fd's revents (stdin a pipe whose
//                       writer is gone: POLLHUP, POLLIN while bytes are left; stdout and stderr
//                       POLLOUT; /proc/self/maps DEFAULT_POLLMASK; POLLNVAL, nothing for fd < 0);
//                       none ready: EINTR at once when a signal may be delivered, 0 at once for a
//                       zero timeout, else a sleep until the timeout (0) or a signal (EINTR), the
//                       time left written back to the timeout. The sigmask is in force until
//                       the call is over; a handler's frame records the mask it replaced
//                       (SignalState::restore_saved). Where Linux restarts the call for a signal
//                       with no handler to run (ERESTARTNOHAND), Maplet returns EINTR.
//
// Every user pointer goes through kernel/proc/uaccess.h: a bad one is EFAULT.
#pragma once

#include "kernel/proc/process.h"

// Handles `call` (one of the calls above) with arguments `a`; returns the result for the
// caller's registers (-errno on failure).
int64_t handle_libc_syscall(Process& p, Syscall call, const uint64_t a[6]);

inline constexpr int64_t CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_BOOTTIME = 7;
// Puts `p` to sleep as clock_nanosleep(clock, flags, request, remaining) asks; returns the
// call's result.
int64_t sys_clock_nanosleep(Process& p, int64_t clock, uint64_t flags, uint64_t request,
                            uint64_t remaining);
