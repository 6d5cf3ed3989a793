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
  // entry and the handler runs with r2 = handler_toc (signal_64.c's !is_elf2_task() path);
  // handler_descriptor_address is sa_handler, which the sigcontext keeps.
  bool handler_descriptor;
  uint64_t handler_toc;
  uint64_t handler_descriptor_address;
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

// The alternate stack saved in the frame (its mask is read before, kernel/proc/signal_delivery.h).
struct SignalReturn {
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
// rt_sigreturn (kernel/proc/signal_delivery.h signal_return) goes as Linux's sys_rt_sigreturn
// does (arch/arm64/kernel/signal.c, arch/powerpc/kernel/signal_64.c): it sets the system call's
// return value, 0, as the entry would, reads the frame's signal mask and sets it before anything
// else, then has the arch restore the registers; at a bad frame it forces SIGSEGV and leaves the
// registers as far as they were restored, with the return value 0 in x0 / r3, and the mask set
// if it was read.
//
// Where rt_sigreturn finds the frame (from the stack pointer the handler returned with) and how
// many bytes to read. Error::Fault for a stack pointer no frame can be at (misaligned): nothing
// is read or restored then.
Result<SignalFrameLayout> arch_signal_return_frame(const UserContext* context);
// Where in that frame uc_sigmask is, the first thing rt_sigreturn reads.
size_t arch_signal_return_mask_offset();
// The frame's mask, or the frame past it, cannot be read: leaves the registers as Linux's
// rt_sigreturn leaves them then (arm64 reads each register of an unreadable frame as 0; powerpc
// stops at the mask and changes nothing). A frame only partly readable counts as unreadable, as
// if its first unreadable byte were its mask's.
void arch_signal_return_unreadable(UserContext* context);
// The frame was bad and its SIGSEGV is about to be forced: what the arch records of it, and
// which SIGSEGV. True for arm64_notify_segfault's, a fault at the stack pointer as far as it was
// restored (SEGV_MAPERR without a mapping at or above it, else SEGV_ACCERR), which goes through
// arm64_notify_die and so clears the thread's fault record (no address, ESR 0: later frames show
// none); false for powerpc's force_sig(SIGSEGV), SI_KERNEL without an address, which records
// nothing.
bool arch_signal_return_failed(UserContext* context);
// Restores the registers saved in the frame read into `buffer` and returns the saved stack.
// Error::Fault for a frame that does not hold a valid context: the context then holds what Linux
// restores before it finds the bad part, with 0 in x0 / r3 (sys_rt_sigreturn's badframe return),
// and the caller forces SIGSEGV. arm64: x0-x30, sp, pc and pstate come first, then a pstate a
// program may not have (not EL0t AArch64, or an exception masked) fails with only its NZCV kept
// (valid_user_regs), then a bad __reserved record list or one without fpsimd_context fails with the
// FP state untouched. powerpc: the GPRs, NIP, CTR, LR, XER, CR, DAR, DSISR and orig_gpr3 come first
// (and the no-restart mark), then a v_regs neither 0 nor the frame's own VMX area fails with the
// vector and FP state untouched, then a v_regs of 0 with VSX in the MSR fails after the VMX state
// (cleared), VRSAVE (0) and the FPRs are restored.
Result<SignalReturn> arch_signal_frame_restore(UserContext* context, const void* buffer);
// MINSIGSTKSZ (the arches' uapi signal.h).
uint64_t arch_signal_min_stack_size();
// AT_MINSIGSTKSZ: the stack the largest frame arch_signal_frame_build writes needs, alignment
// included, as Linux 6.12 computes it for its own frames (arm64 minsigstksz_setup, powerpc
// get_min_sigframe_size); 0 where no frame is ever built (arm64 then writes AT_IGNORE).
uint64_t arch_signal_frame_min_stack_size();
