// The register state the interrupt entry (vectors.S) saves, shared by the assembly and the C++
// decoder. Offsets are macros so vectors.S can use them; trap.cc checks them with static_assert.
#pragma once

#define TF_GPR(n) (8 * (n))
#define TF_CR 256
#define TF_LR 264
#define TF_CTR 272
#define TF_XER 280
#define TF_SRR0 288
#define TF_SRR1 296
#define TF_DAR 304
#define TF_DSISR 312
#define TF_MSR 320  // the MSR the interrupt handler started with
#define TF_VECTOR 328
#define TF_CFAR 336       // CFAR as the interrupt found it (0 for scv, which does not record it)
#define TF_ORIG_GPR3 344  // a user exit's pt_regs.orig_gpr3 (interrupt_record.h), set by user.cc
#define TF_RESULT 352     // a user exit's pt_regs.result, set by user.cc and signal_frame.cc
#define TF_SIZE 368       // a multiple of 16, for the vector state after it in a UserContext

// The trap state (one CPU): the frame, then the nesting depth and a scratch word for CR.
#define TS_FRAME 0
#define TS_DEPTH TF_SIZE
#define TS_CR_SCRATCH (TF_SIZE + 4)
#define TS_SIZE (TF_SIZE + 8)

#ifdef __ASSEMBLY__
#include "arch/powerpc/regs.h"

// Assembler macros, which clang-format would rewrite as C.
// clang-format off

// Stores the 32 GPRs into the frame at \base, through r10: r10, r11 and r12 as the vector stub
// parked them in SPRG3, SPRG0 and SPRG1 (\base itself is one of those, so it is stored from its
// SPRG), the others as they are. The kernel's interrupt entry and the user-mode entry both save
// them the same way.
.macro save_trap_gprs base
  .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9
  std \n, TF_GPR(\n)(\base)
  .endr
  mfspr r10, SPRN_SPRG3
  std r10, TF_GPR(10)(\base)
  mfspr r10, SPRN_SPRG0
  std r10, TF_GPR(11)(\base)
  mfspr r10, SPRN_SPRG1
  std r10, TF_GPR(12)(\base)
  .irp n, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
  std \n, TF_GPR(\n)(\base)
  .endr
.endm

// Stores LR, CTR (parked in SPRG2 by the vector stub), XER, SRR0/1, DAR, DSISR, the MSR, the
// vector offset (in r12) and CFAR (in CTR, from the stub) into the frame at \base, through r10.
// The kernel's interrupt entry and the user-mode entry both save these the same way.
.macro save_trap_sprs base
  mfctr r10
  std r10, TF_CFAR(\base)
  mflr r10
  std r10, TF_LR(\base)
  mfspr r10, SPRN_SPRG2
  std r10, TF_CTR(\base)
  mfxer r10
  std r10, TF_XER(\base)
  mfspr r10, SPRN_SRR0
  std r10, TF_SRR0(\base)
  mfspr r10, SPRN_SRR1
  std r10, TF_SRR1(\base)
  mfspr r10, SPRN_DAR
  std r10, TF_DAR(\base)
  mfspr r10, SPRN_DSISR
  std r10, TF_DSISR(\base)
  mfmsr r10
  std r10, TF_MSR(\base)
  std r12, TF_VECTOR(\base)
.endm
// clang-format on
#else
#include <stdint.h>

struct TrapFrame {
  uint64_t gpr[32];
  uint64_t cr;
  uint64_t lr;
  uint64_t ctr;
  uint64_t xer;
  uint64_t srr0;
  uint64_t srr1;
  uint64_t dar;
  uint64_t dsisr;
  uint64_t msr;
  // The interrupt's vector offset (pt_regs.trap), which the entry stores afresh: at least
  // 16-aligned, so bit 0 is free for TRAP_NORESTART until the next interrupt.
  uint64_t vector;
  uint64_t cfar;
  uint64_t orig_gpr3;
  // pt_regs.result: 0 from every interrupt entry; a system call's exit stores its return value as
  // the handler gave it, before sc turns an error into its positive errno (syscall_exit_prepare,
  // arch/powerpc/kernel/interrupt.c), rt_sigreturn's being 0; a handler's entry clears it
  // (handle_rt_signal64).
  uint64_t result;
  uint64_t unused;  // keeps TF_SIZE a multiple of 16
};
static_assert(sizeof(TrapFrame) == TF_SIZE);
static_assert(__builtin_offsetof(TrapFrame, cr) == TF_CR);
static_assert(__builtin_offsetof(TrapFrame, lr) == TF_LR);
static_assert(__builtin_offsetof(TrapFrame, srr0) == TF_SRR0);
static_assert(__builtin_offsetof(TrapFrame, dar) == TF_DAR);
static_assert(__builtin_offsetof(TrapFrame, msr) == TF_MSR);
static_assert(__builtin_offsetof(TrapFrame, vector) == TF_VECTOR);
static_assert(__builtin_offsetof(TrapFrame, cfar) == TF_CFAR);
static_assert(__builtin_offsetof(TrapFrame, orig_gpr3) == TF_ORIG_GPR3);
static_assert(__builtin_offsetof(TrapFrame, result) == TF_RESULT);

// pt_regs.trap's no-restart bit (arch/powerpc/include/asm/ptrace.h set_trap_norestart): the
// signals of this return to user mode were acted on, or rt_sigreturn restored the registers, so
// the system call the program is stopped at is not to be restarted again. Linux keeps the bit in
// the trap word, so signal frames (gp_regs[PT_TRAP]) and cores (NT_PRSTATUS) show it: 0xc01 for an
// sc system call, 0x3001 for scv.
inline constexpr uint64_t TRAP_NORESTART = 1;
// The vector without the bit (Linux's TRAP(regs)).
inline uint64_t trap_vector(const TrapFrame& frame) { return frame.vector & ~TRAP_NORESTART; }

struct TrapState {
  TrapFrame frame;
  uint32_t depth;  // 0: no trap in progress; 1: handling one; 2: a trap inside the handler
  uint32_t cr_scratch;
};
static_assert(__builtin_offsetof(TrapState, depth) == TS_DEPTH);
static_assert(__builtin_offsetof(TrapState, cr_scratch) == TS_CR_SCRATCH);
static_assert(sizeof(TrapState) == TS_SIZE);

struct TrapInfo;
// The neutral description of a saved interrupt, from the kernel or from a user program
// (trap.cc). The banner is left empty: a user program's fault becomes a signal and is never
// printed, and formatting it would cost more than the rest of the fault.
TrapInfo powerpc_decode_trap(const TrapFrame& frame);
// Writes info.banner for the trap powerpc_decode_trap made of `frame`.
void powerpc_describe_trap(const TrapFrame& frame, TrapInfo& info);
#endif
