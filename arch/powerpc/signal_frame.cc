// The 64-bit powerpc rt_sigframe (kernel/arch/signal_frame.h) as Linux 6.12 builds it without a
// vDSO (arch/powerpc/kernel/signal_64.c, arch/powerpc/include/uapi/asm/{sigcontext,ucontext,
// ptrace,elf}.h): the ucontext first, whose sigcontext holds gp_regs (r0-r31, nip, msr,
// orig_gpr3, ctr, link, xer, ccr, softe, trap, dar, dsisr, result), fp_regs (f0-f31, FPSCR),
// v_regs pointing at the 16-byte-aligned start of vmx_reserve (v0-v31, VSCR, VRSAVE) and the
// second doublewords of VSR 0-31 after them; then the trampoline, the pinfo and puc pointers,
// the siginfo, and the 512-byte red zone of the interrupted code, which is never written. Below
// the frame sits the handler's dummy caller frame, whose back-chain word is the interrupted r1.
// The handler is entered through the vDSO's trampoline at the address space's vdso pointer
// (the bctrl before __kernel_sigtramp_rt64), which calls it and then rt_sigreturn; when the
// pointer is 0 (the program unmapped its vDSO, whose close hook cleared it) Linux writes the same
// code on the stack as the frame's tramp and enters that, so the stack must then be executable
// (a program mprotects it, as Linux's sigreturn_vdso selftest does). Linux's powerpc ignores
// SA_RESTORER. An ELFv2 handler's address is its entry; an ELFv1 handler is a function
// descriptor, which the neutral delivery reads (the arch touches no user memory) and hands over as
// entry and TOC; either returns through the same trampoline. No transactional-memory context. The
// frame's MSR says VEC and VSX once the program has used VMX and VSX (user_context.h used_vr,
// used_vsr), as setup_sigcontext says whether v_regs and the VSX area hold its state; the VMX
// and VSX areas are written either way (Linux leaves an unused one as the stack held it, and the
// tramp too when it enters through the vDSO). The sigcontext's handler is sa_handler, for ELFv1
// the descriptor's address, as Linux stores it. rt_sigreturn restores
// the registers, FP, VMX and VSX state as restore_sigcontext does; it fails (Error::Fault, nothing
// changed) for a v_regs other than 0 or the frame's own VMX area, which Linux would read wherever
// it points, and for a v_regs of 0 with VSX in the saved MSR, where Linux faults reading the VSX
// area at 0x220 (and has restored the GPRs and the mask by then).
#include "kernel/arch/signal_frame.h"

#include "arch/powerpc/regs.h"
#include "arch/powerpc/user_context.h"
#include "kernel/lib/string.h"

namespace powerpc {
namespace {

constexpr uint64_t MINSIGSTKSZ = 8192;      // arch/powerpc/include/uapi/asm/signal.h, 64-bit
constexpr uint64_t SIGNAL_FRAMESIZE = 128;  // __SIGNAL_FRAMESIZE, the dummy caller frame
constexpr uint64_t NR_RT_SIGRETURN = 172;
constexpr unsigned NGREG = 48, NFPREG = 33, NVRREG = 34;  // uapi/asm/elf.h
// gp_regs indexes (uapi/asm/ptrace.h PT_*).
constexpr unsigned PT_NIP = 32, PT_MSR = 33, PT_ORIG_R3 = 34, PT_CTR = 35, PT_LNK = 36, PT_XER = 37,
                   PT_CCR = 38, PT_SOFTE = 39, PT_TRAP = 40, PT_DAR = 41, PT_DSISR = 42,
                   PT_RESULT = 43;
// The trampoline (signal_64.c setup_trampoline): bctrl; addi r1,r1,128; li r0,172; sc; then
// three zero words of traceback (Power ISA Book I: b-form, D-form and SC encodings).
constexpr uint32_t TRAMP[7] = {
    0x4e800421, 0x38210000 | SIGNAL_FRAMESIZE, 0x38000000 | NR_RT_SIGRETURN, 0x44000002, 0, 0, 0};

struct SigContext {
  uint64_t unused[4];
  int32_t signal;
  int32_t pad0;
  uint64_t handler;
  uint64_t oldmask;
  uint64_t regs;  // the user address of gp_regs
  uint64_t gp_regs[NGREG];
  uint64_t fp_regs[NFPREG];
  uint64_t v_regs;  // the user address of the aligned VMX area, or 0
  uint64_t vmx_reserve[NVRREG + NVRREG + 1 + 32];
};
struct UContext {
  uint64_t flags;
  uint64_t link;
  UserSignalStack stack;
  uint64_t sigmask;
  uint64_t unused[15];  // room for a larger sigset_t
  SigContext mcontext;
};
struct alignas(16) RtSigframe {
  UContext uc;
  uint64_t unused[2];
  uint32_t tramp[7];
  uint64_t pinfo;
  uint64_t puc;
  uint8_t info[128];
  uint8_t abigap[512];  // USER_REDZONE_SIZE
};
// The offsets of Linux's uapi structures (no CONFIG_PPC_TRANSACTIONAL_MEM's uc_transact: Linux's
// AT_MINSIGSTKSZ of 0x9e0 is this frame and the dummy caller frame).
static_assert(__builtin_offsetof(UContext, mcontext) == 168);
static_assert(__builtin_offsetof(SigContext, gp_regs) == 64);
static_assert(__builtin_offsetof(SigContext, vmx_reserve) == 720);
static_assert(sizeof(UContext) == 1696);
static_assert(__builtin_offsetof(RtSigframe, tramp) == 1712);
static_assert(__builtin_offsetof(RtSigframe, info) == 1760);
static_assert(sizeof(RtSigframe) + SIGNAL_FRAMESIZE == 0x9e0);

// What is written: the dummy caller frame and the sigframe up to its red zone.
constexpr size_t WRITTEN = SIGNAL_FRAMESIZE + __builtin_offsetof(RtSigframe, abigap);
constexpr size_t VMX_BYTES = NVRREG * 16, VSX_BYTES = 32 * 8;

// sigcontext_vmx_regs: the first 16-byte boundary in vmx_reserve, for a ucontext at `uc`.
uint64_t vmx_address(uint64_t uc) {
  return (uc + __builtin_offsetof(UContext, mcontext) +
          __builtin_offsetof(SigContext, vmx_reserve) + 15) &
         ~uint64_t{15};
}

}  // namespace
}  // namespace powerpc

size_t arch_signal_frame_max_size() { return powerpc::WRITTEN; }

uint64_t arch_signal_min_stack_size() { return powerpc::MINSIGSTKSZ; }

// get_min_sigframe_size_64: the sigframe and the handler's dummy caller frame.
uint64_t arch_signal_frame_min_stack_size() {
  return sizeof(powerpc::RtSigframe) + powerpc::SIGNAL_FRAMESIZE;
}

Result<SignalFrameLayout> arch_signal_frame_build(const UserContext* context,
                                                  const SignalFrameRequest& request, void* buffer) {
  using namespace powerpc;
  if (request.stack_top < sizeof(RtSigframe) + SIGNAL_FRAMESIZE) return Error::Fault;
  // get_sigframe: the whole frame, red zone included, below the top, 16-byte aligned.
  const uint64_t frame = (request.stack_top - sizeof(RtSigframe)) & ~uint64_t{15};
  const uint64_t address = frame - SIGNAL_FRAMESIZE;
  const TrapFrame& f = context->frame;
  const VectorState& v = context->vector;
  klib::mem_set(buffer, 0, WRITTEN);
  uint8_t* bytes = static_cast<uint8_t*>(buffer);
  klib::mem_copy(bytes, &f.gpr[1], sizeof(uint64_t));  // the back chain
  // RtSigframe ends in the red zone, which is not in the buffer: build its head in place.
  auto* sf = reinterpret_cast<RtSigframe*>(bytes + SIGNAL_FRAMESIZE);
  static_assert(SIGNAL_FRAMESIZE % alignof(RtSigframe) == 0);
  sf->pinfo = frame + __builtin_offsetof(RtSigframe, info);
  sf->puc = frame + __builtin_offsetof(RtSigframe, uc);
  klib::mem_copy(sf->info, request.siginfo, sizeof(sf->info));
  if (request.vdso_sigtramp == 0) klib::mem_copy(sf->tramp, TRAMP, sizeof(TRAMP));
  UContext& uc = sf->uc;
  uc.stack =
      UserSignalStack{request.ss_sp, static_cast<int32_t>(request.ss_flags), 0, request.ss_size};
  uc.sigmask = request.saved_mask;
  SigContext& sc = uc.mcontext;
  sc.signal = request.signo;
  // setup_sigcontext stores sa_handler: for ELFv1 the descriptor, not the entry.
  sc.handler = request.handler_descriptor ? request.handler_descriptor_address : request.handler;
  sc.regs =
      frame + __builtin_offsetof(UContext, mcontext) + __builtin_offsetof(SigContext, gp_regs);
  for (unsigned i = 0; i < 32; i++) sc.gp_regs[i] = f.gpr[i];
  sc.gp_regs[PT_NIP] = f.srr0;
  // The FP state was given up to the thread (MSR.FP clear); MSR.VEC and VSX say that the frame
  // holds VMX and VSX state, which it does once the program used them (setup_sigcontext).
  sc.gp_regs[PT_MSR] = (f.srr1 & ~uint64_t{MSR_FP | MSR_VEC | MSR_VSX}) |
                       (context->used_vr ? MSR_VEC : 0) | (context->used_vsr ? MSR_VSX : 0);
  sc.gp_regs[PT_CTR] = f.ctr;
  sc.gp_regs[PT_LNK] = f.lr;
  sc.gp_regs[PT_XER] = f.xer;
  sc.gp_regs[PT_CCR] = f.cr;
  sc.gp_regs[PT_SOFTE] = 1;  // user code always sees interrupts enabled
  // As it is, the no-restart bit included: a second signal delivered at the same return to user
  // mode shows the one the first delivery set.
  sc.gp_regs[PT_TRAP] = f.vector;
  // orig_gpr3, result, dar and dsisr as the entry and exit record them (setup_sigcontext copies
  // pt_regs): dar and dsisr are the last fault's, whatever the signal (interrupt_record.h).
  sc.gp_regs[PT_ORIG_R3] = f.orig_gpr3;
  sc.gp_regs[PT_RESULT] = f.result;
  sc.gp_regs[PT_DAR] = f.dar;
  sc.gp_regs[PT_DSISR] = f.dsisr;
  for (unsigned i = 0; i < 32; i++) sc.fp_regs[i] = v.fpr(i);
  sc.fp_regs[32] = v.fpscr;
  const uint64_t vmx = vmx_address(frame);
  sc.v_regs = vmx;
  uint8_t* vmx_at = bytes + SIGNAL_FRAMESIZE + (vmx - frame);
  // v0-v31, VSCR's quadword as the context holds it, then VRSAVE as the next one's first word.
  for (unsigned n = 0; n < 32; n++) v.vr_to_image(n, vmx_at + 16 * n);
  klib::mem_copy(vmx_at + 32 * 16, v.vscr_quad, 16);
  klib::mem_copy(vmx_at + 33 * 16, &v.vrsave_quad[0], sizeof(uint32_t));
  for (unsigned i = 0; i < 32; i++) {
    klib::mem_copy(vmx_at + VMX_BYTES + 8 * i, &v.vsr[i][1], sizeof(uint64_t));
  }
  return SignalFrameLayout{address, WRITTEN};
}

void arch_signal_frame_enter(UserContext* context, const SignalFrameRequest& request,
                             const SignalFrameLayout& layout) {
  using namespace powerpc;
  TrapFrame& f = context->frame;
  const uint64_t frame = layout.address + SIGNAL_FRAMESIZE;
  // The trampoline's bctrl calls the handler; ELFv2's global entry takes its address in r12,
  // ELFv1's code finds its TOC in r2 (from the descriptor; r12 is left as it was).
  f.srr0 = request.vdso_sigtramp != 0 ? request.vdso_sigtramp
                                      : frame + __builtin_offsetof(RtSigframe, tramp);
  f.ctr = request.handler;
  if (request.handler_descriptor) {
    f.gpr[2] = request.handler_toc;
  } else {
    f.gpr[12] = request.handler;
  }
  f.gpr[1] = layout.address;
  f.gpr[3] = static_cast<uint64_t>(request.signo);
  f.result = 0;  // handle_rt_signal64
  if (request.siginfo_handler) {
    f.gpr[4] = frame + __builtin_offsetof(RtSigframe, info);
    f.gpr[5] = frame + __builtin_offsetof(RtSigframe, uc);
    f.gpr[6] = frame;
  } else {
    f.gpr[4] = frame + __builtin_offsetof(RtSigframe, uc) + __builtin_offsetof(UContext, mcontext);
  }
  // No spurious FP exceptions in the handler. The MSR needs no change: programs run in the
  // kernel's byte order, as a handler does on Linux unless the program asks otherwise.
  context->vector.fpscr = 0;
  // A pending signal makes Linux return from an scv system call through the full register load.
  context->scv_return = false;
}

void arch_signal_delivery_done(UserContext* context) { context->frame.vector |= TRAP_NORESTART; }

Result<SignalFrameLayout> arch_signal_return_frame(const UserContext* context) {
  using namespace powerpc;
  // The trampoline popped the dummy caller frame: r1 is the ucontext, the frame's first field.
  return SignalFrameLayout{context->frame.gpr[1], sizeof(UContext)};
}

size_t arch_signal_return_mask_offset() { return __builtin_offsetof(powerpc::UContext, sigmask); }

// sys_rt_sigreturn stops at the mask it cannot read.
void arch_signal_return_unreadable(UserContext*) {}

// force_sig(SIGSEGV).
bool arch_signal_return_failed(UserContext*) { return false; }

Result<SignalReturn> arch_signal_frame_restore(UserContext* context, const void* buffer) {
  using namespace powerpc;
  const auto* uc = static_cast<const UContext*>(buffer);
  const SigContext& sc = uc->mcontext;
  const uint64_t uc_address = context->frame.gpr[1];
  const uint64_t vmx = vmx_address(uc_address);
  const uint64_t msr = sc.gp_regs[PT_MSR];
  // restore_sigcontext takes the GPRs and the special registers first, then the vector and FP
  // state, so a bad v_regs leaves what came before it restored; r3 is then the system call's 0.
  TrapFrame& f = context->frame;
  for (unsigned i = 0; i < 32; i++) f.gpr[i] = sc.gp_regs[i];
  f.srr0 = sc.gp_regs[PT_NIP];
  f.ctr = sc.gp_regs[PT_CTR];
  f.lr = sc.gp_regs[PT_LNK];
  f.xer = sc.gp_regs[PT_XER];
  f.cr = sc.gp_regs[PT_CCR];
  f.dar = sc.gp_regs[PT_DAR];
  f.dsisr = sc.gp_regs[PT_DSISR];
  // orig_gpr3 too, as restore_sigcontext does. It reads result as well, which rt_sigreturn's own
  // exit then replaces with its return value (syscall_exit_prepare), 0: sys_rt_sigreturn returns
  // 0 and the restored r3 goes back untouched (_TIF_RESTOREALL).
  f.orig_gpr3 = sc.gp_regs[PT_ORIG_R3];
  f.result = 0;
  // restore_sigcontext: the restored registers are not the system call's to restart.
  f.vector |= TRAP_NORESTART;
  const auto bad = [&f]() -> Result<SignalReturn> {
    f.gpr[3] = 0;
    return Error::Fault;
  };
  // Linux reads v_regs wherever it points; here it must be 0 or the frame's own VMX area, the
  // only place the buffer holds (the area always fits in vmx_reserve): anywhere else fails as
  // an address access_ok refuses does. With VSX in the MSR and a v_regs of 0 Linux reads the
  // VSX doublewords at 0x220, which no program maps: a fault after the VMX and FP state.
  if (sc.v_regs != 0 && sc.v_regs != vmx) return bad();
  static_assert(sizeof(SigContext::vmx_reserve) >= VMX_BYTES + VSX_BYTES + 8);
  const uint8_t* vmx_at = static_cast<const uint8_t*>(buffer) + (vmx - uc_address);
  // The saved MSR is not restored: Linux takes only its LE bit, and programs run in the kernel's
  // byte order here with the MSR the user entry sets, so problem state and translation stay as
  // they are.
  VectorState& v = context->vector;
  // State restored from the frame counts as used (restore_sigcontext). A frame without VMX state
  // clears a used one; an unused one stays as exec left it (VSCR.NJ on big-endian).
  if (sc.v_regs != 0 && (msr & MSR_VEC) != 0) {
    for (unsigned n = 0; n < 32; n++) v.vr_from_image(n, vmx_at + 16 * n);
    klib::mem_copy(v.vscr_quad, vmx_at + 32 * 16, 16);
    context->used_vr = true;
  } else if (context->used_vr) {
    klib::mem_set(v.vsr[32], 0, 32 * 16);
    klib::mem_set(v.vscr_quad, 0, 16);
  }
  klib::mem_set(v.vrsave_quad, 0, sizeof(v.vrsave_quad));
  if (sc.v_regs != 0) klib::mem_copy(&v.vrsave_quad[0], vmx_at + 33 * 16, sizeof(uint32_t));
  for (unsigned i = 0; i < 32; i++) v.vsr[i][0] = sc.fp_regs[i];
  v.fpscr = sc.fp_regs[32];
  if (sc.v_regs == 0 && (msr & MSR_VSX) != 0) return bad();
  for (unsigned i = 0; i < 32; i++) {
    v.vsr[i][1] = 0;
    if ((msr & MSR_VSX) != 0) {
      klib::mem_copy(&v.vsr[i][1], vmx_at + VMX_BYTES + 8 * i, sizeof(uint64_t));
    }
  }
  if ((msr & MSR_VSX) != 0) context->used_vsr = true;
  // rt_sigreturn sets _TIF_RESTOREALL: an scv rt_sigreturn returns through the full load too.
  context->scv_return = false;
  return SignalReturn{uc->stack.sp, static_cast<uint32_t>(uc->stack.flags), uc->stack.size};
}
