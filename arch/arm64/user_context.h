// The arm64 UserContext (kernel/arch/user.h): a user program's registers as the user entry and
// exit code (user_entry.S) saves and restores them. It starts with an ExceptionFrame, so the
// decoder of kernel exceptions also decodes the program's.
//
// FP/SIMD (Advanced SIMD and floating point): CPACR_EL1.FPEN (Arm ARM, register CPACR_EL1) is 0b11
// only from the load of the program's FP/SIMD registers in arm64_user_enter to their save in
// arm64_user_exit; the rest of the time it is 0b00, so an FP/SIMD instruction of the kernel (built
// with -mgeneral-regs-only, it has none) would trap as exception class 0x07 instead of clobbering a
// program's registers. The registers are switched eagerly on every entry and exit: 32 loads and
// stores cost little next to an exception, and a context is then complete whenever the kernel
// reads it, with no trap-and-restore path and no "which context owns the registers" state to get
// wrong when a scheduler switches between contexts. A fresh context's FP/SIMD state is all zero,
// as Linux leaves it after exec (fpsimd_flush_thread): FPCR 0 is round to nearest with no flush
// to zero and no default NaN. SVE and SME stay disabled (CPACR_EL1.ZEN and SMEN 0b00): their
// instructions are a Fault, since the Z, P and ZA registers are not kept.
#pragma once

#include "arch/arm64/exception_frame.h"

#define UCTX_TPIDR (FRAME_SIZE + 0 * 8)
#define UCTX_SLOT (FRAME_SIZE + 1 * 8)
// Linux's user_fpsimd_state order (arch/arm64/include/uapi/asm/ptrace.h): V0-V31, FPSR, FPCR,
// padded to the 16-byte alignment of the V registers.
#define UCTX_VREGS (FRAME_SIZE + 2 * 8)
#define UCTX_FPSR (UCTX_VREGS + 32 * 16)
#define UCTX_FPCR (UCTX_FPSR + 4)
#define UCTX_MTE (UCTX_FPSR + 16)
#define UCTX_PAC (UCTX_MTE + 16)
#define UCTX_FAULT (UCTX_PAC + 80)
#define UCTX_SIZE (UCTX_FAULT + 16)

// arm64_user_enter's frame on the kernel stack: x19-x30, then the UserContext pointer, which the
// lower-EL vectors find there at the stack pointer the program left the kernel with.
#define USER_ENTRY_X19 0
#define USER_ENTRY_CONTEXT (12 * 8)
#define USER_ENTRY_SIZE (14 * 8)

#ifndef __ASSEMBLY__
#include <stdint.h>

namespace arm64 {

// The program's FP/SIMD registers, the payload of a signal frame's fpsimd_context record
// (Linux arch/arm64/include/uapi/asm/sigcontext.h: fpsr, fpcr, then vregs[32] as __uint128_t;
// a frame writer copies the three fields, the order in memory differs). Each V register is
// stored as STR Qn does, little-endian, so vregs[n] is Qn as a 128-bit integer. FPSR and FPCR are
// kept as 32 bits: bits [63:32] of both are RES0 (Arm ARM, registers FPSR and FPCR).
struct FpsimdState {
  __uint128_t vregs[32];
  uint32_t fpsr;
  uint32_t fpcr;
};

// The program's prctl(PR_SET_TAGGED_ADDR_CTRL) state (Linux's thread.mte_ctrl and
// TIF_TAGGED_ADDR): the tag check modes it asked for, the tags IRG may not generate, and whether
// it may pass tagged pointers to the kernel. A fresh context (exec) excludes every tag and checks
// nothing, as Linux's mte_thread_init_user() leaves a new program.
struct MteState {
  static constexpr uint8_t TCF_SYNC = 1, TCF_ASYNC = 2, TCF_ASYMM = 4;
  uint16_t gcr_exclude = 0xffff;  // GCR_EL1.Exclude while the program runs
  uint8_t tcf = 0;                // requested modes, TCF_* bits
  bool tagged_addr = false;       // PR_TAGGED_ADDR_ENABLE
};

// The program's pointer authentication keys (FEAT_PAuth; Linux's struct ptrauth_keys_user):
// APIA, APIB, APDA, APDB and APGA, each as its KeyLo_EL1 and KeyHi_EL1 halves. A fresh context's
// are 0 until exec gives it random ones (arch_user_keys_init), as ptrauth_thread_init_user does.
struct alignas(16) PacKeys {
  uint64_t ia[2], ib[2], da[2], db[2], ga[2];
};

// The program's last fault that became a signal, as Linux keeps it in thread.fault_address and
// thread.fault_code (arch/arm64/mm/fault.c set_thread_esr, arch/arm64/kernel/traps.c
// arm64_notify_die): every later signal frame shows it, whatever its signal
// (arch/arm64/kernel/signal.c setup_sigframe: uc_mcontext.fault_address, and an esr_context
// record while `esr` is not 0). arch_user_fault_signalled sets it; nothing clears it but a fault
// that records 0 (an undefined instruction) and a bad rt_sigreturn's SIGSEGV
// (arch_signal_return_failed). A fresh context has none, as a program that /init
// started: Linux keeps it across execve (flush_thread leaves it) and fork copies it, system calls
// Maplet does not have.
struct FaultRecord {
  uint64_t address = 0;
  uint64_t esr = 0;
};

}  // namespace arm64

struct UserContext {
  // x0-x30, SP_EL0, ELR_EL1 (the PC), SPSR_EL1 (PSTATE); ESR_EL1 and FAR_EL1 of the last exit.
  arm64::ExceptionFrame frame;
  uint64_t tpidr;  // TPIDR_EL0, the thread pointer
  uint64_t slot;   // the vector table slot of the last exit
  arm64::FpsimdState fpsimd;
  arm64::MteState mte;
  arm64::PacKeys pac;  // loaded on every entry where pointer authentication exists
  arm64::FaultRecord fault;
};
static_assert(sizeof(UserContext) == UCTX_SIZE);
static_assert(__builtin_offsetof(UserContext, fpsimd.vregs) == UCTX_VREGS);
static_assert(__builtin_offsetof(UserContext, fpsimd.fpsr) == UCTX_FPSR);
static_assert(__builtin_offsetof(UserContext, fpsimd.fpcr) == UCTX_FPCR);
static_assert(__builtin_offsetof(UserContext, tpidr) == UCTX_TPIDR);
static_assert(__builtin_offsetof(UserContext, slot) == UCTX_SLOT);
static_assert(__builtin_offsetof(UserContext, mte) == UCTX_MTE);
static_assert(__builtin_offsetof(UserContext, pac) == UCTX_PAC);
static_assert(__builtin_offsetof(UserContext, fault) == UCTX_FAULT);

// Loads `context` and enters EL0 with ERET; returns when the program takes an exception, with
// its state saved back into `context`. Interrupts are masked again on return.
extern "C" void arm64_user_enter(UserContext* context);
#endif
