// Signal-frame contract: each arch lays out Linux's rt_sigframe for its ABI in a kernel buffer,
// which the neutral delivery (kernel/proc/signal_delivery.h) copies to the user stack, and reads
// one back for rt_sigreturn. The arch touches no user memory itself.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/arch/user.h"
#include "kernel/lib/result.h"

// stack_t as user memory holds it (sigaltstack's argument, a ucontext's uc_stack): the same on
// arm64 (include/uapi/asm-generic/signal.h) and powerpc (arch/powerpc/include/uapi/asm/signal.h).
struct UserSignalStack {
  uint64_t sp;
  int32_t flags;
  uint32_t padding;
  uint64_t size;
};
static_assert(sizeof(UserSignalStack) == 24);

struct SignalFrameRequest {
  int signo;
  const uint8_t* siginfo;  // SIGINFO_SIZE bytes, Linux's siginfo_t
  bool siginfo_handler;    // SIGACT_SIGINFO (the arch may pass the same arguments either way)
  uint64_t handler;
  // powerpc ELFv1: the handler's function descriptor was read ({entry, toc}); `handler` is its
  // entry and the handler runs with r2 = handler_toc (signal_64.c's !is_elf2_task() path).
  bool handler_descriptor;
  uint64_t handler_toc;
  uint64_t restorer;  // sa_restorer with SIGACT_RESTORER, else 0
  // The vDSO's signal trampoline at the address space's vdso pointer, stale or not (Linux's
  // VDSO_SYMBOL(mm->context.vdso, sigtramp)); 0 when the pointer is 0.
  uint64_t vdso_sigtramp;
  uint64_t saved_mask;  // uc_sigmask: the blocked mask to restore on return
  uint64_t stack_top;   // the stack the frame goes on: the program's or the alternate's top
  // uc_stack: the alternate stack as sigaltstack would report it.
  uint64_t ss_sp;
  uint32_t ss_flags;
  uint64_t ss_size;
};

struct SignalFrameLayout {
  uint64_t address;  // where the buffer's first byte goes in user memory
  size_t size;       // bytes to copy, at most arch_signal_frame_max_size()
};

struct SignalReturn {
  uint64_t mask;  // the blocked mask saved in the frame
  uint64_t ss_sp;
  uint32_t ss_flags;
  uint64_t ss_size;
};

// The largest frame the arch builds: the size of the buffer the neutral code passes.
size_t arch_signal_frame_max_size();
// Lays out the frame for `request` from the program's registers in `context` into `buffer`.
// Error::Invalid when the arch cannot return from a handler of this request (arm64 with neither
// SA_RESTORER nor a vDSO pointer); Error::Fault when the frame would not fit below
// stack_top (an address that wraps). The caller then forces SIGSEGV as Linux's
// force_sigsegv.
Result<SignalFrameLayout> arch_signal_frame_build(const UserContext* context,
                                                  const SignalFrameRequest& request, void* buffer);
// Points the program at the handler once the frame is in user memory (its arguments, stack
// pointer, return address).
void arch_signal_frame_enter(UserContext* context, const SignalFrameRequest& request,
                             const SignalFrameLayout& layout);
// The pending signals of this return to user mode have been acted on without ending the
// program: a handler's frame was set up (or failed to be), or none was left to deliver. Linux
// decides a system call's restart once (arch/powerpc/kernel/signal.c do_signal): powerpc then
// sets the no-restart bit of the saved trap word, which later frames and a core show
// (set_trap_norestart); arm64 records it in the syscall number (forget_syscall), which only
// ptrace and the NT_ARM_SYSTEM_CALL note show: Maplet has no ptrace, and its arm64 core writer
// always writes the forgotten number, NO_SYSCALL (arch/arm64/elfcore.cc), so nothing here.
// rt_sigreturn's arch_signal_frame_restore sets the same mark itself.
void arch_signal_delivery_done(UserContext* context);
// Where rt_sigreturn finds the frame (from the stack pointer the handler returned with) and how
// many bytes to read. Error::Fault for a stack pointer no frame can be at (misaligned).
Result<SignalFrameLayout> arch_signal_return_frame(const UserContext* context);
// Restores the registers saved in the frame read into `buffer` and returns the saved mask and
// stack. Error::Fault for a frame that does not hold a valid context (a bad record, a PSTATE or
// MSR a program may not have): the context is then left unchanged and the caller forces
// SIGSEGV.
Result<SignalReturn> arch_signal_frame_restore(UserContext* context, const void* buffer);
// MINSIGSTKSZ (the arches' uapi signal.h).
uint64_t arch_signal_min_stack_size();
// AT_MINSIGSTKSZ: the stack the largest frame arch_signal_frame_build writes needs, alignment
// included, as Linux 6.12 computes it for its own frames (arm64 minsigstksz_setup, powerpc
// get_min_sigframe_size); 0 where no frame is ever built (arm64 then writes AT_IGNORE).
uint64_t arch_signal_frame_min_stack_size();
