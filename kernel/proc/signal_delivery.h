// Signal delivery as Linux 6.12 does it on the way back to user mode (kernel/signal.c's
// get_signal and handle_signal, the arches' setup_rt_frame): each pending signal that is not
// blocked is taken in next_signal's order and acted on: ignored, its default action (the
// process ends killed by it; for the signals that dump core, after its core file is written
// (kernel/coredump/process_core.h), with the core bit in the wait status when it was), or a
// handler, for which the arch's rt_sigframe (kernel/arch/signal_frame.h) goes on the program's
// stack, or the alternate stack with SA_ONSTACK, and the handler's sa_mask and the signal itself
// (without SA_NODEFER) join the blocked mask; SA_RESETHAND resets the action to SIG_DFL first.
// Before each handler's frame is written, a restartable sequence the program was inside is moved
// to its abort handler (rseq_signal_deliver, kernel/proc/rseq.h). Several pending signals nest:
// each later handler's frame goes below the previous, and the last one set up runs first, as on
// Linux.
//
// A frame that cannot be written (the stack is unmapped or read-only, or the arch cannot return
// from the handler) is force_sigsegv: SIGSEGV with its default action when the signal being
// delivered was SIGSEGV itself, otherwise a forced SIGSEGV the program may still catch.
#pragma once

#include "kernel/proc/process.h"

// Queues a fault's signal as force_sig_fault does (it cannot be blocked or ignored away):
// si_code `code` and si_addr `addr`.
void signal_force_fault(Process& p, int signo, int code, uint64_t addr);
// force_sigsegv(signo): SIGSEGV (si_code SI_KERNEL), with its default action when `signo`, the
// signal being delivered, was SIGSEGV itself (its handler would only fail again).
void signal_force_segv(Process& p, int signo);
// Acts on the pending signals before `p` returns to user mode. Returns false when one of them
// ended the process.
bool signal_deliver(Process& p);
// rt_sigreturn: restores the blocked mask, the registers and the alternate stack from the frame
// at the program's stack pointer, and sets the system call's return value. A bad frame
// (unreadable, misaligned, invalid registers) forces the arch's SIGSEGV with the mask and the
// registers as far as Linux restores them and 0 in x0 / r3 (kernel/arch/signal_frame.h).
void signal_return(Process& p);
