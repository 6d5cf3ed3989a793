// User-mode contract: how the neutral kernel runs a user program until it needs the kernel.
// The arch saves and restores every user register (general, FP/SIMD, the PC, the stack pointer,
// the thread pointer) in a UserContext; neutral code reads and edits it only through the
// accessors below, as Linux's syscall_get_arguments()/regs_return_value() do.
#pragma once

#include <stdint.h>

#include "kernel/arch/trap.h"
#include "kernel/lib/result.h"

// Opaque to neutral code; one per process, allocated by the arch.
struct UserContext;

// Why arch_user_run returned.
enum class UserExitKind : uint8_t {
  SystemCall,  // the program asked for the kernel: read the number and arguments below
  Fault,       // a synchronous exception of the program: `trap` decodes it
  Interrupt,   // an interrupt arrived while the program ran (the timer); nothing to decode
};

struct UserExit {
  UserExitKind kind;
  TrapInfo trap;  // Fault only: from_user is true and the access is decoded
  // An asynchronous tag-check fault of the program was pending when it came back (arm64 MTE,
  // TFSRE0_EL1.TF0): Linux delivers SIGSEGV SEGV_MTEAERR before it serves the exit, and a system
  // call is not made but restarted once the signal is handled. Always false without MTE.
  bool async_tag_fault = false;
};

// A fresh context whose first run starts at `pc` with stack pointer `sp`, every other register
// zero but the status bits Linux's start_thread sets for a new program (arm64: PSTATE.SSBS where
// the CPU has FEAT_SSBS). Error::NoMemory.
Result<UserContext*> arch_user_context_create(uint64_t pc, uint64_t sp);
void arch_user_context_destroy(UserContext* context);
// What exec gives a new program besides its registers: fresh per-process secrets drawn from
// `random` (arm64's pointer authentication keys, Linux's ptrauth_thread_init_user); nothing on
// an arch without any.
void arch_user_keys_init(UserContext* context, uint64_t (*random)());

// Enters user mode with `context` in the currently active address space and returns when the
// program traps, calls the kernel or is interrupted, with the program's state saved back into
// `context`. A system call's PC is already past the instruction that made it.
// The timer runs in time slices: a run starts one unless one is running, and a slice runs on
// through the system calls and faults of every run until its interrupt ends it (Interrupt), so
// a program that keeps calling the kernel is preempted too, and no system call pays for
// re-arming the timer. One that ends while the kernel runs (interrupts masked) is taken at the
// next entry to user mode.
UserExit arch_user_run(UserContext* context);
// The last Fault exit of `context`, decoded as `trap`, becomes a signal: the arch keeps what
// every later signal frame shows of it (arm64: the fault address and ESR that Linux's handler
// of that exception records in the thread, some with 0 for either; a breakpoint leaves the
// record as it was). Nothing on powerpc, whose frames copy the registers the last interrupt
// saved.
void arch_user_fault_signalled(UserContext* context, const TrapInfo& trap);
// Stops the running time slice, if any: the next run starts a fresh one. For when the kernel
// stops running programs for a while (the scheduler once it returns; tests between programs).
void arch_user_slice_end();

// The system call of the last SystemCall exit: Linux's number and its six arguments in the
// arch's convention (arm64 x8 and x0-x5; powerpc r0 and r3-r8).
uint64_t arch_user_syscall_number(const UserContext* context);
uint64_t arch_user_syscall_arg(const UserContext* context, unsigned index);
// Sets the system call's result as Linux returns it: `value` >= 0 is success; a value in
// [-4095, -1] is -errno (arm64 x0 = value; powerpc sc r3 = errno with CR0.SO set, scv r3 = value).
// powerpc also clears r9-r12, CTR and XER, which Linux saves as zero at the call.
void arch_user_set_syscall_result(UserContext* context, int64_t value);
// A system call's return to user mode that restores nothing from the saved registers, which
// Linux makes unless a signal is pending then (no handler's frame, no rt_sigreturn): clears what
// the arch's return leaves cleared besides the result. arm64 clears nothing
// (arch/arm64/kernel/entry-common.c); powerpc's sc path clears r0 and r4-r8, having cleared
// r9-r12, CTR and XER in the saved registers at the call (arch/powerpc/kernel/interrupt_64.S
// system_call_common, .Lsyscall_exit; interrupt.c interrupt_exit_user_prepare_main).
void arch_user_syscall_return(UserContext* context);

uint64_t arch_user_pc(const UserContext* context);
void arch_user_set_pc(UserContext* context, uint64_t pc);
uint64_t arch_user_sp(const UserContext* context);
void arch_user_set_sp(UserContext* context, uint64_t sp);
// Sets general register `index` (arm64 x0-x30; powerpc r0-r31), as exec's start registers need
// (powerpc's TOC in r2 or entry in r12); an index past the last register is ignored.
void arch_user_set_register(UserContext* context, unsigned index, uint64_t value);
