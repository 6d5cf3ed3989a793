// The signal system calls with Linux 6.12's argument checks (kernel/signal.c): rt_sigaction,
// rt_sigprocmask and sigaltstack over the process's SignalState, copying the user's
// struct sigaction (sa_handler, sa_flags, sa_restorer, sa_mask: the same 32 bytes on arm64 and
// powerpc), sigset_t (8 bytes) and stack_t (ss_sp, ss_flags, ss_size: 24 bytes).
//
// Errors, as Linux orders them: EINVAL for a sigsetsize other than 8, then EFAULT for a new value
// that cannot be read, then the state's own errors (signal_state.h), then EFAULT for an old value
// that cannot be written (the change stays made).
#pragma once

#include <stdint.h>

#include "kernel/proc/process.h"

int64_t sys_rt_sigaction(Process& p, int64_t signal, uint64_t act, uint64_t oldact,
                         uint64_t sigsetsize);
int64_t sys_rt_sigprocmask(Process& p, int64_t how, uint64_t set, uint64_t oldset,
                           uint64_t sigsetsize);
int64_t sys_sigaltstack(Process& p, uint64_t ss, uint64_t old);
// rt_sigpending: the signals both pending and blocked; EINVAL for a sigsetsize above 8, and a
// smaller one writes only its first bytes of the set (EFAULT when they cannot be written).
int64_t sys_rt_sigpending(Process& p, uint64_t set, uint64_t sigsetsize);
