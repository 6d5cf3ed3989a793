// One CPU's round-robin scheduler over user processes: each turn activates the next runnable
// process's address space and runs it (arch_user_run) until it calls the kernel, faults or is
// interrupted. A system call is handled (kernel/proc/syscalls.h) and the process goes on; a
// fault goes to its AddressSpace (a resolved fault retries the access, a signal verdict forces
// that signal, acted on before the process next runs); a timer interrupt charges a
// slice and moves the process to the back of the queue. A process still running at its
// deadline is killed (ExitKind::TimeLimit); one that has used its slice allowance is killed by
// SIGKILL. Sleeping processes wait for their wake time; when every live process sleeps the CPU
// waits for the earliest, or for a real timer (kernel/proc/itimer.h), whose SIGALRM is sent
// there or at the start of its process's next turn. A process whose turn follows another's, or
// which slept, was switched out: its restartable sequence restarts (kernel/proc/rseq.h).
#pragma once

#include <stdint.h>

#include "kernel/proc/process.h"

struct SchedulerOptions {
  uint64_t time_limit_ticks;  // per program, in arch counter ticks
  bool check_mm;              // walk the page tables after every mm system call
  // Timer preemptions after which a process is killed by SIGKILL (ExitKind::Signaled), for
  // tests that need a number of slices rather than an amount of time; 0: no allowance.
  uint64_t slice_allowance = 0;
};

// Adds a new process at the back of the run queue; its deadline starts now.
void scheduler_add(Process* process, const SchedulerOptions& options);
// Runs processes until `process` has exited (others may still be queued). The exited process
// leaves the queue; the caller owns it and destroys it.
void scheduler_run_until_exit(Process* process);
// A queued process by pid, or nullptr.
Process* scheduler_find(int pid);
// A fresh pid (1, 2, ... as Linux hands them out, never reused here).
int scheduler_next_pid();

// The counter ticks `p` has run, its current turn included (Linux's sum_exec_runtime, what the
// CPU-time clocks read): asked during its turn, by its own system call.
uint64_t process_cpu_ticks(const Process& p);
// Whether the page-table check is on for the running processes.
bool scheduler_check_mm();
