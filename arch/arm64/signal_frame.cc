// The arm64 rt_sigframe (kernel/arch/signal_frame.h) as Linux 6.12 builds it
// (arch/arm64/kernel/signal.c, arch/arm64/include/uapi/asm/{sigcontext,ucontext}.h): siginfo,
// then the ucontext whose sigcontext holds fault_address, x0-x30, sp, pc and pstate, and whose
// __reserved area holds the records fpsimd_context (FPSR, FPCR, V0-V31), esr_context while the
// thread's last fault recorded an ESR, and the zero end marker. fault_address and esr_context
// are that fault's (user_context.h FaultRecord), in every frame, not only the fault's own. Above
// the frame sits the frame record {x29, x30} that the handler's x29 points at, so a backtrace goes
// through the interrupted code. The handler returns to sa_restorer, or without SA_RESTORER to the
// vDSO's __kernel_rt_sigreturn at the address space's vdso pointer, which arm64 never clears:
// after the program unmapped its vDSO the handler returns into nothing and faults, as on Linux.
// With neither (no vDSO at all) the handler cannot be entered (Error::Invalid, which becomes
// SIGSEGV). No SVE, SME, TPIDR2, FPMR or POE records: those states are not kept. With FEAT_BTI
// the handler is entered as a BLR would enter it (PSTATE.BTYPE 0b10, setup_return()), so in a
// guarded page it must start with a landing pad; rt_sigreturn restores BTYPE with the rest of
// pstate.
#include "kernel/arch/signal_frame.h"

#include "arch/arm64/user_context.h"
#include "kernel/arch/cpu_features.h"
#include "kernel/lib/string.h"

namespace arm64 {
namespace {

constexpr uint32_t FPSIMD_MAGIC = 0x46508001, ESR_MAGIC = 0x45535201;
constexpr uint64_t MINSIGSTKSZ = 5120;  // arch/arm64/include/uapi/asm/signal.h
// PSTATE: M[4] (AArch32), M[3:0] (the exception level and stack), the D, A, I and F masks, the
// N, Z, C and V flags.
constexpr uint64_t PSTATE_MODE = 0x1f, PSTATE_DAIF = 0xf << 6, PSTATE_NZCV = 0xfull << 28;
// PSTATE.BTYPE, bits [11:10], and the value a BLR leaves in it (Arm ARM, "PSTATE.BTYPE").
constexpr uint64_t PSTATE_BTYPE = 3 << 10, PSTATE_BTYPE_CALL = 2 << 10;
// PSTATE.TCO, bit 25 (FEAT_MTE): the program's tag checks overridden.
constexpr uint64_t PSTATE_TCO = uint64_t{1} << 25;
// What valid_user_regs takes out of a restored pstate (arch/arm64/kernel/ptrace.c): the bits
// valid_native_regs treats as RES0 ([63:32], [27:26], PAN and UAO [23:22], IL and [19:13], [5]),
// and PSTATE.SS (bit 21), which user_regs_reset_single_step clears for a task not single-stepped.
constexpr uint64_t PSTATE_RES0 = (~uint64_t{0} << 32) | (uint64_t{3} << 26) | (uint64_t{3} << 22) |
                                 (uint64_t{0xff} << 13) | (uint64_t{1} << 5);
constexpr uint64_t PSTATE_SS = uint64_t{1} << 21;

struct Record {
  uint32_t magic;
  uint32_t size;
};
struct FpsimdRecord {
  Record head;
  uint32_t fpsr;
  uint32_t fpcr;
  __uint128_t vregs[32];
};
struct EsrRecord {
  Record head;
  uint64_t esr;
};
static_assert(sizeof(FpsimdRecord) == 528 && sizeof(EsrRecord) == 16);

struct SigContext {
  uint64_t fault_address;
  uint64_t regs[31];
  uint64_t sp;
  uint64_t pc;
  uint64_t pstate;
  alignas(16) uint8_t reserved[4096];
};
struct UContext {
  uint64_t flags;
  uint64_t link;
  UserSignalStack stack;
  uint64_t sigmask;
  uint8_t unused[1024 / 8 - 8];  // room for a larger sigset_t
  alignas(16) SigContext mcontext;
};
struct RtSigframe {
  uint8_t info[128];
  UContext uc;
};
struct FrameRecord {
  uint64_t fp;
  uint64_t lr;
};
// The offsets of Linux's uapi structures.
static_assert(__builtin_offsetof(UContext, mcontext) == 176);
static_assert(__builtin_offsetof(SigContext, reserved) == 288);
static_assert(sizeof(RtSigframe) == 4688);

constexpr size_t FRAME_SPAN = sizeof(RtSigframe) + sizeof(FrameRecord);

constexpr size_t round_up_16(size_t n) { return (n + 15) & ~size_t{15}; }
// minsigstksz_setup: every record the kernel may write (fpsimd_context, esr_context) from the
// start of __reserved, the sigframe at least as large as struct rt_sigframe, the frame record
// and 16 bytes for aligning the top. Both records fit in __reserved, so the sigframe's size
// decides.
constexpr size_t RECORDS_END =
    __builtin_offsetof(RtSigframe, uc) + __builtin_offsetof(UContext, mcontext) +
    __builtin_offsetof(SigContext, reserved) + sizeof(FpsimdRecord) + sizeof(EsrRecord);
constexpr size_t MIN_FRAME_STACK =
    round_up_16(RECORDS_END > sizeof(RtSigframe) ? RECORDS_END : sizeof(RtSigframe)) +
    round_up_16(sizeof(FrameRecord)) + 16;

// The frame's place below `top`: the record under the 16-byte-aligned top, the sigframe under it.
uint64_t frame_address(uint64_t top) {
  return ((top - sizeof(FrameRecord)) & ~uint64_t{15}) - sizeof(RtSigframe);
}

// setup_return: sa_restorer with SA_RESTORER, else the vDSO's sigtramp.
uint64_t return_address(const SignalFrameRequest& request) {
  return request.restorer != 0 ? request.restorer : request.vdso_sigtramp;
}

}  // namespace
}  // namespace arm64

size_t arch_signal_frame_max_size() { return arm64::FRAME_SPAN; }

uint64_t arch_signal_min_stack_size() { return arm64::MINSIGSTKSZ; }

uint64_t arch_signal_frame_min_stack_size() { return arm64::MIN_FRAME_STACK; }

Result<SignalFrameLayout> arch_signal_frame_build(const UserContext* context,
                                                  const SignalFrameRequest& request, void* buffer) {
  using namespace arm64;
  if (return_address(request) == 0) return Error::Invalid;
  if (request.stack_top < FRAME_SPAN + 16) return Error::Fault;
  const uint64_t address = frame_address(request.stack_top);
  klib::mem_set(buffer, 0, FRAME_SPAN);
  auto* frame = static_cast<RtSigframe*>(buffer);
  if (request.siginfo_handler) klib::mem_copy(frame->info, request.siginfo, sizeof(frame->info));
  UContext& uc = frame->uc;
  uc.stack =
      UserSignalStack{request.ss_sp, static_cast<int32_t>(request.ss_flags), 0, request.ss_size};
  uc.sigmask = request.saved_mask;
  SigContext& sc = uc.mcontext;
  const ExceptionFrame& f = context->frame;
  for (unsigned i = 0; i < 31; i++) sc.regs[i] = f.x[i];
  sc.sp = f.sp;
  sc.pc = f.elr;
  sc.pstate = f.spsr;
  sc.fault_address = context->fault.address;
  uint8_t* at = sc.reserved;
  FpsimdRecord fp{};
  fp.head = Record{FPSIMD_MAGIC, sizeof(FpsimdRecord)};
  fp.fpsr = context->fpsimd.fpsr;
  fp.fpcr = context->fpsimd.fpcr;
  klib::mem_copy(fp.vregs, context->fpsimd.vregs, sizeof(fp.vregs));
  klib::mem_copy(at, &fp, sizeof(fp));
  at += sizeof(fp);
  if (context->fault.esr != 0) {
    const EsrRecord esr{Record{ESR_MAGIC, sizeof(EsrRecord)}, context->fault.esr};
    klib::mem_copy(at, &esr, sizeof(esr));
  }
  // The end marker is the zeroed record after the last. The frame record follows the sigframe
  // directly: frame_address put it at the aligned top.
  static_assert(sizeof(RtSigframe) % 16 == 0);
  const FrameRecord record{f.x[29], f.x[30]};
  klib::mem_copy(static_cast<uint8_t*>(buffer) + sizeof(RtSigframe), &record, sizeof(record));
  return SignalFrameLayout{address, FRAME_SPAN};
}

void arch_signal_frame_enter(UserContext* context, const SignalFrameRequest& request,
                             const SignalFrameLayout& layout) {
  using namespace arm64;
  ExceptionFrame& f = context->frame;
  f.x[0] = static_cast<uint64_t>(request.signo);
  if (request.siginfo_handler) {
    f.x[1] = layout.address + __builtin_offsetof(RtSigframe, info);
    f.x[2] = layout.address + __builtin_offsetof(RtSigframe, uc);
  }
  f.sp = layout.address;
  f.x[29] = layout.address + sizeof(RtSigframe);
  f.x[30] = return_address(request);
  f.elr = request.handler;
  if (arch_supports_bti()) f.spsr = (f.spsr & ~PSTATE_BTYPE) | PSTATE_BTYPE_CALL;
  // setup_return: a handler's own tag checks are never overridden.
  f.spsr &= ~PSTATE_TCO;
}

// forget_syscall's mark is in the syscall number, which nothing Maplet writes shows.
void arch_signal_delivery_done(UserContext*) {}

Result<SignalFrameLayout> arch_signal_return_frame(const UserContext* context) {
  const uint64_t sp = context->frame.sp;
  if ((sp & 15) != 0) return Error::Fault;
  return SignalFrameLayout{sp, sizeof(arm64::RtSigframe)};
}

size_t arch_signal_return_mask_offset() {
  using namespace arm64;
  return __builtin_offsetof(RtSigframe, uc) + __builtin_offsetof(UContext, sigmask);
}

// restore_sigframe reads each register with __get_user_error, which gives 0 for one it cannot
// read.
void arch_signal_return_unreadable(UserContext* context) {
  arm64::ExceptionFrame& f = context->frame;
  for (unsigned i = 0; i < 31; i++) f.x[i] = 0;
  f.sp = 0;
  f.elr = 0;
  f.spsr = 0;
}

// arm64_notify_segfault(regs->sp), which reaches arm64_notify_die through force_signal_inject
// with an ESR of 0.
bool arch_signal_return_failed(UserContext* context) {
  context->fault = arm64::FaultRecord{};
  return true;
}

Result<SignalReturn> arch_signal_frame_restore(UserContext* context, const void* buffer) {
  using namespace arm64;
  const auto* frame = static_cast<const RtSigframe*>(buffer);
  const SigContext& sc = frame->uc.mcontext;
  // restore_sigframe takes the registers first and checks them and the records after, so a bad
  // frame leaves them restored; x0 is then the system call's 0.
  ExceptionFrame& f = context->frame;
  for (unsigned i = 0; i < 31; i++) f.x[i] = sc.regs[i];
  f.sp = sc.sp;
  f.elr = sc.pc;
  f.spsr = sc.pstate;
  const auto bad = [&f]() -> Result<SignalReturn> {
    f.x[0] = 0;
    return Error::Fault;
  };
  // valid_user_regs: EL0t in AArch64 with no exception masked, else PSTATE keeps only NZCV. The
  // bits it drops are gone at once, as a frame set up before the program runs again (for a signal
  // the restored mask lets through) shows.
  f.spsr &= ~(PSTATE_RES0 | PSTATE_SS);
  if ((sc.pstate & (PSTATE_MODE | PSTATE_DAIF)) != 0) {
    f.spsr &= PSTATE_NZCV;
    return bad();
  }
  // The records: an fpsimd_context of its exact size is required; esr_context is skipped; any
  // other record, a size not a multiple of 16 or one past the area, is a bad frame.
  bool has_fp = false;
  FpsimdRecord fp;
  size_t offset = 0;
  while (true) {
    if (sizeof(sc.reserved) - offset < sizeof(Record)) return bad();
    Record head;
    klib::mem_copy(&head, sc.reserved + offset, sizeof(head));
    if (head.magic == 0) {
      if (head.size != 0) return bad();
      break;
    }
    if (head.size < sizeof(Record) || head.size % 16 != 0 ||
        head.size > sizeof(sc.reserved) - offset) {
      return bad();
    }
    if (head.magic == FPSIMD_MAGIC) {
      if (head.size != sizeof(FpsimdRecord) || has_fp) return bad();
      klib::mem_copy(&fp, sc.reserved + offset, sizeof(fp));
      has_fp = true;
    } else if (head.magic != ESR_MAGIC) {
      return bad();
    }
    offset += head.size;
  }
  if (!has_fp) return bad();
  context->fpsimd.fpsr = fp.fpsr;
  context->fpsimd.fpcr = fp.fpcr;
  klib::mem_copy(context->fpsimd.vregs, fp.vregs, sizeof(fp.vregs));
  const UContext& uc = frame->uc;
  return SignalReturn{uc.stack.sp, static_cast<uint32_t>(uc.stack.flags), uc.stack.size};
}
