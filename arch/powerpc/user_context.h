// A user program's saved state, shared by the user entry and exit code (user_entry.S) and
// user.cc: the registers as the interrupt entry saved them (the same TrapFrame the kernel's own
// traps use, so one decoder serves both), then the kernel's callee-saved registers while the
// program runs; then the program's FP, VMX and VSX state.
//
// FP, VMX and VSX (Power ISA v3.0B Book I, "Vector-Scalar Registers"): a program runs with
// MSR.FP on, and VEC and VSX on once it has used them (used_vr, used_vsr below), and the kernel
// (built -msoft-float -mno-altivec -mno-vsx) with them off: every interrupt clears them (Book III,
// "Interrupt Processing"), the kernel's MSR never has them, and only the user entry and exit code
// turns them on, to load the 64 VSRs, FPSCR, VSCR and VRSAVE from the context before rfid and to
// save them back after the program's interrupt. So a kernel FP or vector instruction would be a
// facility-unavailable interrupt, not a clobbered user register. The state is switched eagerly on
// every entry and exit, as on arm64: a context is then complete whenever the kernel reads it, and a
// scheduler needs no record of whose registers the CPU holds. A fresh context is as Linux's exec
// leaves a thread (arch/powerpc/kernel/process.c, start_thread): everything zero but VSCR.NJ on a
// big-endian kernel (user.cc); VRSAVE becomes all ones at the first VMX or VSX use.
// MSR.FE0 and FE1 stay 0, Linux's default (PR_FP_EXC_DISABLED): FP exceptions set FPSCR bits and
// never interrupt.
#pragma once

#include "arch/powerpc/trap_frame.h"

#define UC_FRAME 0
// The kernel's r1, r2, LR, CR and r13-r31 inside powerpc_user_enter.
#define UC_KERNEL_R1 TF_SIZE
#define UC_KERNEL_R2 (TF_SIZE + 8)
#define UC_KERNEL_LR (TF_SIZE + 16)
#define UC_KERNEL_CR (TF_SIZE + 24)
#define UC_KERNEL_GPR(n) (TF_SIZE + 32 + 8 * ((n)-13))
// The FP/VMX/VSX state, 16-byte aligned for stvx/lvx: VSR 0-63 (two doublewords each, as
// stxvd2x stores them), VSCR (in the last word of a quadword, as stvx stores mfvscr's result),
// VRSAVE, FPSCR.
#define UC_VSR (TF_SIZE + 32 + 8 * 19 + 8)
#define UC_VSCR (UC_VSR + 64 * 16)
#define UC_VRSAVE (UC_VSCR + 16)
#define UC_FPSCR (UC_VRSAVE + 16)
// The program's TAR and DSCR (FSCR[TAR] and FSCR[DSCR] let it use them), switched with the
// context as Linux's thread.tar and thread.dscr; and its PPR as Linux's pt_regs.ppr (a program
// sets its priority with the or Rx,Rx,Rx nops, Book II "Program Priority Registers"): every entry
// loads it and every exit saves it, but arch_user_run (user.cc) keeps what an interrupt other
// than a system call saved, as Linux's system-call entries do not save PPR, and enters with
// DEFAULT_PPR after a system call, as their exits set medium-low priority.
#define UC_TAR (UC_FPSCR + 16)
#define UC_DSCR (UC_TAR + 8)
#define UC_PPR (UC_TAR + 16)
#define UC_USED (UC_TAR + 24)
#define UC_SCV_RETURN (UC_USED + 2)
#define UC_SIZE (UC_USED + 8)

#ifndef __ASSEMBLY__
#include <stdint.h>

#include "kernel/lib/big_endian.h"
#include "kernel/lib/string.h"

namespace powerpc {

// Linux's DEFAULT_PPR (arch/powerpc/include/asm/processor.h): PPR[PRI] = 3, medium-low
// priority, what a new program runs with.
inline constexpr uint64_t DEFAULT_PPR = uint64_t{3} << 50;

// The program's FP, VMX and VSX registers. What a 64-bit signal frame's mcontext holds (Linux
// arch/powerpc/include/uapi/asm/sigcontext.h) comes from here: fp_regs[0..31] are the first
// doublewords of VSR 0-31 (f0-f31) and fp_regs[32] is FPSCR; v_regs[0..33] is v0-v31 in stvx's
// image (vr_to_image), then VSCR's and VRSAVE's quadwords as stored here; the VSX area after
// v_regs is the second doublewords of VSR 0-31.
struct alignas(16) VectorState {
  // stxvd2x stores doubleword 0 first in either byte order: [n][0] is doubleword 0, f<n> for
  // n < 32.
  uint64_t vsr[64][2];
  uint32_t vscr_quad[4];
  uint32_t vrsave_quad[4];
  uint64_t fpscr;  // all 64 bits (ISA 2.05 and later: DRN in the upper word)
  uint64_t padding;

  // stvx stores a quadword in the kernel's byte order, so VSCR, the quadword's last word (word 3
  // in the ISA's numbering), is the last word in memory big-endian and the first little-endian.
  static constexpr unsigned VSCR_WORD = NATIVE_BYTE_ORDER == ByteOrder::Big ? 3 : 0;

  // stvx, which Linux saves vector registers with, puts doubleword 0 first big-endian and last
  // little-endian.
  static constexpr unsigned IMAGE_DW0 = NATIVE_BYTE_ORDER == ByteOrder::Big ? 0 : 8;

  uint64_t fpr(unsigned n) const { return vsr[n][0]; }
  // Vector register v<n> (VSR 32 + n) as 16 bytes in Linux's memory image (a signal frame's
  // v_regs, NT_PPC_VMX), and back.
  void vr_to_image(unsigned n, uint8_t* out) const {
    klib::mem_copy(out + IMAGE_DW0, &vsr[32 + n][0], 8);
    klib::mem_copy(out + (8 - IMAGE_DW0), &vsr[32 + n][1], 8);
  }
  void vr_from_image(unsigned n, const uint8_t* in) {
    klib::mem_copy(&vsr[32 + n][0], in + IMAGE_DW0, 8);
    klib::mem_copy(&vsr[32 + n][1], in + (8 - IMAGE_DW0), 8);
  }
  uint32_t vscr() const { return vscr_quad[VSCR_WORD]; }
  void set_vscr(uint32_t value) { vscr_quad[VSCR_WORD] = value; }
  uint32_t vrsave() const { return vrsave_quad[0]; }
};

}  // namespace powerpc

struct UserContext {
  TrapFrame frame;  // srr0 is the program's next PC, srr1 its MSR at the last exit
  uint64_t kernel[4 + 19];
  powerpc::VectorState vector;
  uint64_t tar;
  uint64_t dscr;
  uint64_t ppr;  // a fresh context's is Linux's DEFAULT_PPR, medium-low priority (user.cc)
  // Linux's thread.used_vr and used_vsr: the program has run a VMX (VSX) instruction, whose
  // first one was a vector (VSX) unavailable interrupt that set this and turned MSR.VEC (VEC
  // and VSX) on for good, as load_up_altivec and load_up_vsx do (arch/powerpc/kernel/vector.S);
  // or a signal return restored that state. Until then the registers are the zeros exec left,
  // and neither signal frames nor core files carry them (ptrace-altivec.c vr_active,
  // ptrace-vsx.c vsr_active).
  bool used_vr;
  bool used_vsr;
  // The last exit was an scv system call and the next entry returns from it as Linux's fast
  // path does (rfscv; user_entry.S). Anything that rewrites the registers as a whole, as a signal
  // handler's entry and rt_sigreturn do, clears it: the entry then loads the frame as it is, as
  // Linux does when _TIF_RESTOREALL or a pending signal asks for every register.
  bool scv_return;
};
static_assert(__builtin_offsetof(UserContext, kernel) == UC_KERNEL_R1);
static_assert(__builtin_offsetof(UserContext, vector.vsr) == UC_VSR);
static_assert(__builtin_offsetof(UserContext, vector.vscr_quad) == UC_VSCR);
static_assert(__builtin_offsetof(UserContext, vector.vrsave_quad) == UC_VRSAVE);
static_assert(__builtin_offsetof(UserContext, vector.fpscr) == UC_FPSCR);
static_assert(__builtin_offsetof(UserContext, tar) == UC_TAR);
static_assert(__builtin_offsetof(UserContext, dscr) == UC_DSCR);
static_assert(__builtin_offsetof(UserContext, ppr) == UC_PPR);
static_assert(__builtin_offsetof(UserContext, used_vr) == UC_USED);
static_assert(__builtin_offsetof(UserContext, scv_return) == UC_SCV_RETURN);
static_assert(sizeof(UserContext) == UC_SIZE);

// Enters problem state with `context`'s registers and MSR = `msr`; returns when an interrupt
// from problem state has saved them back (frame.vector says which).
extern "C" void powerpc_user_enter(UserContext* context, uint64_t msr);
#endif
