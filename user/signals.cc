// Signals as Linux 6.12 delivers them: rt_sigaction, rt_sigprocmask and sigaltstack's checks,
// then handlers (returning on powerpc through the vDSO's trampoline, on arm64 through SA_RESTORER):
// the siginfo of a SEGV_MAPERR read and a SEGV_ACCERR write, a handler that skips the faulting
// instruction and edits a register through the ucontext, a vector register and the fault in the
// frame (arm64's FP/SIMD and ESR records, powerpc's v_regs and DAR), kill and tgkill to self, a
// blocked signal delivered when unblocked, real-time signals from rt_sigqueueinfo queueing with
// their si_value while a standard one merges, sa_mask, SA_NODEFER, nesting, SA_RESETHAND,
// SA_ONSTACK on an alternate stack, a frame that cannot be written becoming a forced SIGSEGV
// (a bad rt_sigreturn frame is oracle/programs/sigreturn_fail's, against Linux), and last, once
// [vdso] is unmapped, a handler still returning: on powerpc through the trampoline Linux then
// writes on the stack, on arm64 through SA_RESTORER.

#include "kernel/lib/string.h"
#include "user/lib/ktap.h"
#include "user/lib/maps.h"
#include "user/lib/print.h"
#include "user/lib/signal.h"
#include "user/lib/start.h"
#include "user/lib/syscall.h"

extern "C" long fault_with_vector(uint64_t address, const void* pattern);

namespace {

using namespace sys;
using namespace sig;

constexpr uint64_t UNMAPPED = 0x100000000;
constexpr long SKIPPED_MARK = 0x5157;

#if defined(__aarch64__)
// arm64 ucontext offsets (arch/arm64/include/uapi/asm/ucontext.h, sigcontext.h).
constexpr uint64_t UC_REGS = 184, UC_PC = 440, UC_RESERVED = 464;
uint64_t& uc_word(void* uc, uint64_t offset) {
  return *reinterpret_cast<uint64_t*>(static_cast<uint8_t*>(uc) + offset);
}
// Skips the faulting instruction and makes the function return SKIPPED_MARK.
void skip_fault(void* uc) {
  uc_word(uc, UC_PC) += 4;
  uc_word(uc, UC_REGS) = SKIPPED_MARK;
}
#else
// powerpc64 ucontext offsets (arch/powerpc/include/uapi/asm/{ucontext,sigcontext,ptrace}.h):
// gp_regs, its r3, nip and dar, and v_regs.
constexpr uint64_t UC_GP_REGS = 232, UC_REGS = UC_GP_REGS + 3 * 8, UC_PC = UC_GP_REGS + 32 * 8,
                   UC_DAR = UC_GP_REGS + 41 * 8, UC_V_REGS = 880;
uint64_t& uc_word(void* uc, uint64_t offset) {
  return *reinterpret_cast<uint64_t*>(static_cast<uint8_t*>(uc) + offset);
}
void skip_fault(void* uc) {
  uc_word(uc, UC_PC) += 4;
  uc_word(uc, UC_REGS) = SKIPPED_MARK;
}
// Without a vDSO pointer the handler is entered through a trampoline on the stack, which must then
// be executable: the pages just below the stack pointer, where the frames go, are made so.
long make_stack_executable() {
  volatile int here = 0;
  const uint64_t page = reinterpret_cast<uint64_t>(&here) & ~uint64_t{4095};
  return mprotect(page - 8 * 4096, 9 * 4096, PROT_READ | PROT_WRITE | PROT_EXEC);
}
#endif

struct Seen {
  int count;
  int signo;
  int code;
  uint64_t addr;
  int pid;
  uint64_t mask_in_handler;
  int depth;
  int max_depth;
  int order[4];
  uint64_t sp;
  Stack stack_in_handler;
  long altstack_change;
  bool fpsimd_ok;
  bool esr_seen;
  uint64_t returns_to;
};
Seen g_seen;

void reset() { klib::mem_set(&g_seen, 0, sizeof(g_seen)); }

void record(int signo, Info* info) {
  g_seen.count++;
  g_seen.signo = signo;
  g_seen.code = info->code;
  g_seen.addr = info->addr;
  g_seen.pid = info->kill.pid;
  g_seen.mask_in_handler = blocked();
  if (g_seen.count <= 4) g_seen.order[g_seen.count - 1] = signo;
}

void on_fault(int signo, Info* info, void* uc) {
  record(signo, info);
  skip_fault(uc);
}

void on_signal(int signo, Info* info, void*) { record(signo, info); }

// Records where the handler returns to (its link register on entry).
[[gnu::noinline]] void on_returning(int signo, Info* info, void*) {
  record(signo, info);
  g_seen.returns_to = reinterpret_cast<uint64_t>(__builtin_return_address(0));
}

// Real-time deliveries in order: the signal and si_value of each.
struct Queued {
  int count;
  int signo[8];
  uint64_t value[8];
};
Queued g_queued;
void on_queued(int signo, Info* info, void*) {
  if (g_queued.count < 8) {
    g_queued.signo[g_queued.count] = signo;
    klib::mem_copy(&g_queued.value[g_queued.count], info->rest, sizeof(uint64_t));  // si_value
  }
  g_queued.count++;
}

#if defined(__aarch64__)
constexpr long NR_RT_SIGQUEUEINFO = 138;
#else
constexpr long NR_RT_SIGQUEUEINFO = 177;
#endif
constexpr int SI_QUEUE = -1;
// rt_sigqueueinfo to self with si_code SI_QUEUE and si_value `value`.
long queue_signal(int signo, uint64_t value) {
  Info info{};
  info.signo = signo;
  info.code = SI_QUEUE;
  info.kill.pid = static_cast<int32_t>(getpid());
  klib::mem_copy(info.rest, &value, sizeof(value));
  return call(NR_RT_SIGQUEUEINFO, getpid(), signo, reinterpret_cast<long>(&info));
}

// Sends SIGUSR1 again on its first run, and SIGUSR2: the depth shows what nested.
void resend(int signo, Info* info, void*) {
  g_seen.depth++;
  if (g_seen.depth > g_seen.max_depth) g_seen.max_depth = g_seen.depth;
  record(signo, info);
  if (signo == SIGUSR1 && g_seen.count == 1) {
    raise(SIGUSR1);
    raise(SIGUSR2);
  }
  g_seen.depth--;
}

void on_altstack(int signo, Info* info, void*) {
  record(signo, info);
  volatile int local = 0;
  g_seen.sp = reinterpret_cast<uint64_t>(&local);
  sigaltstack(nullptr, &g_seen.stack_in_handler);
  const Stack other{g_seen.stack_in_handler.sp, 0, MINSIGSTKSZ};
  g_seen.altstack_change = sigaltstack(&other, nullptr);
}

alignas(16) constexpr uint64_t PATTERN[2] = {0x0123456789abcdef, 0xfedcba9876543210};
#if defined(__aarch64__)
void on_vector_fault(int signo, Info* info, void* uc) {
  record(signo, info);
  // The records in __reserved: fpsimd_context first, then esr_context, then the end.
  uint8_t* at = static_cast<uint8_t*>(uc) + UC_RESERVED;
  for (int i = 0; i < 8; i++) {
    uint32_t head[2];
    klib::mem_copy(head, at, sizeof(head));
    if (head[0] == 0) break;
    if (head[0] == 0x46508001 && head[1] == 528) {
      uint64_t v5[2];
      klib::mem_copy(v5, at + 16 + 5 * 16, sizeof(v5));
      g_seen.fpsimd_ok = v5[0] == PATTERN[0] && v5[1] == PATTERN[1];
    }
    if (head[0] == 0x45535201 && head[1] == 16) g_seen.esr_seen = true;
    at += head[1];
  }
  skip_fault(uc);
}
#else
void on_vector_fault(int signo, Info* info, void* uc) {
  record(signo, info);
  // v5 in the VMX area v_regs points at; the fault's DAR in gp_regs.
  uint64_t v5[2];
  klib::mem_copy(v5, reinterpret_cast<uint8_t*>(uc_word(uc, UC_V_REGS)) + 5 * 16, sizeof(v5));
  g_seen.fpsimd_ok = v5[0] == PATTERN[0] && v5[1] == PATTERN[1];
  g_seen.esr_seen = uc_word(uc, UC_DAR) == UNMAPPED;
  skip_fault(uc);
}
#endif

void restore_default(int signal) {
  const Action dfl{0, 0, 0, 0};
  rt_sigaction(signal, &dfl, nullptr);
}

}  // namespace

int main(const StartInfo&) {
  ktap_plan(15);
  ktap_run("sigaction_checks", [] {
    const Action act{reinterpret_cast<uint64_t>(&on_signal), SA_SIGINFO | SA_RESTORER | 0x400,
                     reinterpret_cast<uint64_t>(&signal_restorer), bit(SIGUSR2) | bit(SIGKILL)};
    Action old{};
    KTAP_EXPECT(rt_sigaction(SIGKILL, &act, nullptr) == -EINVAL);
    KTAP_EXPECT(rt_sigaction(SIGSTOP, &act, nullptr) == -EINVAL);
    KTAP_EXPECT(rt_sigaction(SIGKILL, nullptr, &old) == 0);
    KTAP_EXPECT(rt_sigaction(0, &act, nullptr) == -EINVAL);
    KTAP_EXPECT(rt_sigaction(65, &act, nullptr) == -EINVAL);
    KTAP_EXPECT(rt_sigaction(SIGUSR1, &act, nullptr, 4) == -EINVAL);
    KTAP_EXPECT(rt_sigaction(SIGUSR1, reinterpret_cast<Action*>(UNMAPPED), nullptr) == -EFAULT);
    KTAP_EXPECT(rt_sigaction(SIGUSR1, &act, reinterpret_cast<Action*>(UNMAPPED)) == -EFAULT);
    KTAP_EXPECT(rt_sigaction(SIGUSR1, &act, nullptr) == 0);
    KTAP_EXPECT(rt_sigaction(SIGUSR1, nullptr, &old) == 0);
    // Unknown flag bits read back clear; SIGKILL leaves the mask.
    KTAP_EXPECT(old.handler == act.handler);
    KTAP_EXPECT(old.flags == (SA_SIGINFO | SA_RESTORER));
    KTAP_EXPECT(old.restorer == act.restorer);
    KTAP_EXPECT(old.mask == bit(SIGUSR2));
    restore_default(SIGUSR1);
  });
  ktap_run("sigprocmask_checks", [] {
    const uint64_t all = ~uint64_t{0}, none = 0, usr1 = bit(SIGUSR1);
    uint64_t old = 1;
    KTAP_EXPECT(procmask(SIG_SETMASK, &none, &old) == 0);
    KTAP_EXPECT(old == 0);
    KTAP_EXPECT(procmask(SIG_BLOCK, &all, nullptr) == 0);
    KTAP_EXPECT(blocked() == (all & ~(bit(SIGKILL) | bit(SIGSTOP))));
    KTAP_EXPECT(procmask(SIG_UNBLOCK, &all, nullptr) == 0);
    KTAP_EXPECT(procmask(SIG_BLOCK, &usr1, &old) == 0);
    KTAP_EXPECT(old == 0 && blocked() == usr1);
    KTAP_EXPECT(procmask(7, &usr1, nullptr) == -EINVAL);
    KTAP_EXPECT(procmask(7, nullptr, nullptr) == 0);
    KTAP_EXPECT(procmask(SIG_BLOCK, &usr1, nullptr, 16) == -EINVAL);
    KTAP_EXPECT(procmask(SIG_BLOCK, reinterpret_cast<uint64_t*>(UNMAPPED), nullptr) == -EFAULT);
    KTAP_EXPECT(procmask(SIG_BLOCK, nullptr, reinterpret_cast<uint64_t*>(UNMAPPED)) == -EFAULT);
    KTAP_EXPECT(procmask(SIG_SETMASK, &none, nullptr) == 0 && blocked() == 0);
  });
  ktap_run("sigaltstack_checks", [] {
    static uint8_t area[16384];
    const uint64_t base = reinterpret_cast<uint64_t>(area);
    Stack old{};
    KTAP_EXPECT(sigaltstack(nullptr, &old) == 0);
    KTAP_EXPECT(old.flags == SS_DISABLE && old.size == 0);
    const Stack small{base, 0, MINSIGSTKSZ - 1};
    KTAP_EXPECT(sigaltstack(&small, nullptr) == -ENOMEM);
    const Stack bad_mode{base, 4, sizeof(area)};
    KTAP_EXPECT(sigaltstack(&bad_mode, nullptr) == -EINVAL);
    KTAP_EXPECT(sigaltstack(reinterpret_cast<Stack*>(UNMAPPED), nullptr) == -EFAULT);
    const Stack good{base, 0, sizeof(area)};
    KTAP_EXPECT(sigaltstack(&good, nullptr) == 0);
    KTAP_EXPECT(sigaltstack(nullptr, &old) == 0);
    KTAP_EXPECT(old.sp == base && old.size == sizeof(area) && old.flags == 0);
    KTAP_EXPECT(sigaltstack(nullptr, reinterpret_cast<Stack*>(UNMAPPED)) == -EFAULT);
    const Stack off{0, SS_DISABLE, 0};
    KTAP_EXPECT(sigaltstack(&off, nullptr) == 0);
    KTAP_EXPECT(sigaltstack(nullptr, &old) == 0 && old.flags == SS_DISABLE);
  });
  ktap_run("segv_maperr_read", [] {
    reset();
    KTAP_EXPECT(sigaction(SIGSEGV, on_fault) == 0);
    KTAP_EXPECT(fault_read(UNMAPPED + 8) == SKIPPED_MARK);
    KTAP_EXPECT(g_seen.count == 1 && g_seen.signo == SIGSEGV);
    KTAP_EXPECT(g_seen.code == SEGV_MAPERR);
    KTAP_EXPECT(g_seen.addr == UNMAPPED + 8);
    // The signal was blocked while its handler ran, and is not any more.
    KTAP_EXPECT(g_seen.mask_in_handler == bit(SIGSEGV));
    KTAP_EXPECT(blocked() == 0);
    restore_default(SIGSEGV);
  });
  ktap_run("segv_accerr_write", [] {
    reset();
    const long page = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS);
    KTAP_EXPECT(page > 0);
    KTAP_EXPECT(sigaction(SIGSEGV, on_fault) == 0);
    KTAP_EXPECT(fault_write(static_cast<uint64_t>(page) + 16) == SKIPPED_MARK);
    KTAP_EXPECT(g_seen.count == 1 && g_seen.code == SEGV_ACCERR);
    KTAP_EXPECT(g_seen.addr == static_cast<uint64_t>(page) + 16);
    KTAP_EXPECT(*at<volatile uint64_t>(page) == 0);
    restore_default(SIGSEGV);
    munmap(static_cast<uint64_t>(page), 4096);
  });
  ktap_run("frame_has_fp_simd_and_esr", [] {
    reset();
    KTAP_EXPECT(sigaction(SIGSEGV, on_vector_fault) == 0);
    KTAP_EXPECT(fault_with_vector(UNMAPPED, PATTERN) == SKIPPED_MARK);
    KTAP_EXPECT(g_seen.count == 1);
    KTAP_EXPECT(g_seen.fpsimd_ok);
    KTAP_EXPECT(g_seen.esr_seen);  // arm64: the ESR record; powerpc: the DAR
    restore_default(SIGSEGV);
  });
  ktap_run("kill_and_tgkill_to_self", [] {
    reset();
    KTAP_EXPECT(sigaction(SIGUSR1, on_signal) == 0);
    KTAP_EXPECT(call(NR_KILL, getpid(), SIGUSR1) == 0);
    KTAP_EXPECT(g_seen.count == 1 && g_seen.code == SI_USER && g_seen.pid == getpid());
    KTAP_EXPECT(raise(SIGUSR1) == 0);
    KTAP_EXPECT(g_seen.count == 2 && g_seen.code == SI_TKILL && g_seen.signo == SIGUSR1);
    restore_default(SIGUSR1);
  });
  ktap_run("blocked_signal_waits_for_unblock", [] {
    reset();
    const uint64_t usr1 = bit(SIGUSR1);
    KTAP_EXPECT(sigaction(SIGUSR1, on_signal) == 0);
    KTAP_EXPECT(procmask(SIG_BLOCK, &usr1, nullptr) == 0);
    KTAP_EXPECT(raise(SIGUSR1) == 0);
    KTAP_EXPECT(raise(SIGUSR1) == 0);
    KTAP_EXPECT(g_seen.count == 0);
    KTAP_EXPECT(procmask(SIG_UNBLOCK, &usr1, nullptr) == 0);
    KTAP_EXPECT(g_seen.count == 1);  // one instance: standard signals do not queue
    restore_default(SIGUSR1);
  });
  ktap_run("realtime_signals_queue_in_order", [] {
    // Three instances of one real-time signal and one of a lower one, blocked: each instance is
    // delivered, with its si_value, lowest signal first and in the order sent; a standard
    // signal sent twice meanwhile is delivered once.
    klib::mem_set(&g_queued, 0, sizeof(g_queued));
    constexpr int RT = 40, LOWER_RT = 35;
    const uint64_t set = bit(RT) | bit(LOWER_RT) | bit(SIGUSR1);
    KTAP_EXPECT(sigaction(RT, on_queued) == 0);
    KTAP_EXPECT(sigaction(LOWER_RT, on_queued) == 0);
    KTAP_EXPECT(sigaction(SIGUSR1, on_queued) == 0);
    KTAP_EXPECT(procmask(SIG_BLOCK, &set, nullptr) == 0);
    KTAP_EXPECT(queue_signal(RT, 0x1111) == 0);
    KTAP_EXPECT(queue_signal(RT, 0x2222) == 0);
    KTAP_EXPECT(raise(SIGUSR1) == 0);
    KTAP_EXPECT(raise(SIGUSR1) == 0);
    KTAP_EXPECT(queue_signal(RT, 0x3333) == 0);
    KTAP_EXPECT(queue_signal(LOWER_RT, 0x4444) == 0);
    KTAP_EXPECT(g_queued.count == 0);
    KTAP_EXPECT(procmask(SIG_UNBLOCK, &set, nullptr) == 0);
    KTAP_EXPECT(g_queued.count == 5);
    // Frames are set up for SIGUSR1, 35 and the first 40, each handler blocking its own signal;
    // the last set up runs first, and each sigreturn lets the next 40 in: 40's three in order,
    // then 35, then SIGUSR1.
    const int want_signo[5] = {RT, RT, RT, LOWER_RT, SIGUSR1};
    const uint64_t want_value[4] = {0x1111, 0x2222, 0x3333, 0x4444};
    for (int i = 0; i < 5 && i < g_queued.count; i++) {
      KTAP_EXPECT(g_queued.signo[i] == want_signo[i]);
      if (i < 4) KTAP_EXPECT(g_queued.value[i] == want_value[i]);
    }
    // Claiming to be kill (si_code >= 0) is allowed only towards oneself; a bad siginfo is
    // EFAULT.
    KTAP_EXPECT(call(NR_RT_SIGQUEUEINFO, getpid(), RT, static_cast<long>(KERNEL_ADDRESS)) ==
                -EFAULT);
    restore_default(RT);
    restore_default(LOWER_RT);
    restore_default(SIGUSR1);
  });
  ktap_run("sa_mask_and_defer", [] {
    // sa_mask holds SIGUSR2 off and the signal itself is deferred: both run after the first.
    reset();
    KTAP_EXPECT(sigaction(SIGUSR1, resend, 0, bit(SIGUSR2)) == 0);
    KTAP_EXPECT(sigaction(SIGUSR2, resend) == 0);
    KTAP_EXPECT(raise(SIGUSR1) == 0);
    KTAP_EXPECT(g_seen.count == 3 && g_seen.max_depth == 1);
    KTAP_EXPECT(g_seen.order[0] == SIGUSR1);
    // Deferred, sent during the first handler; next_signal takes the lower number first.
    KTAP_EXPECT(g_seen.order[1] == SIGUSR1 && g_seen.order[2] == SIGUSR2);
    // Without the mask SIGUSR2 nests in the first handler, and with SA_NODEFER SIGUSR1 does.
    reset();
    KTAP_EXPECT(sigaction(SIGUSR1, resend, SA_NODEFER) == 0);
    KTAP_EXPECT(raise(SIGUSR1) == 0);
    KTAP_EXPECT(g_seen.count == 3 && g_seen.max_depth == 2);
    KTAP_EXPECT(g_seen.order[1] == SIGUSR1);
    reset();
    KTAP_EXPECT(sigaction(SIGUSR1, resend) == 0);
    KTAP_EXPECT(raise(SIGUSR1) == 0);
    KTAP_EXPECT(g_seen.count == 3 && g_seen.max_depth == 2);
    KTAP_EXPECT(g_seen.order[1] == SIGUSR2 && g_seen.order[2] == SIGUSR1);
    restore_default(SIGUSR1);
    restore_default(SIGUSR2);
  });
  ktap_run("sa_resethand", [] {
    reset();
    KTAP_EXPECT(sigaction(SIGUSR2, on_signal, SA_RESETHAND) == 0);
    KTAP_EXPECT(raise(SIGUSR2) == 0);
    KTAP_EXPECT(g_seen.count == 1);
    Action old{};
    KTAP_EXPECT(rt_sigaction(SIGUSR2, nullptr, &old) == 0);
    KTAP_EXPECT(old.handler == 0);
  });
  ktap_run("sa_onstack", [] {
    reset();
    const long area = mmap(0, 16384, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
    KTAP_EXPECT(area > 0);
    const uint64_t base = static_cast<uint64_t>(area);
    const Stack ss{base, 0, 16384};
    KTAP_EXPECT(sigaltstack(&ss, nullptr) == 0);
    KTAP_EXPECT(sigaction(SIGUSR1, on_altstack, SA_ONSTACK) == 0);
    KTAP_EXPECT(raise(SIGUSR1) == 0);
    KTAP_EXPECT(g_seen.count == 1);
    KTAP_EXPECT(g_seen.sp > base && g_seen.sp < base + 16384);
    KTAP_EXPECT(g_seen.stack_in_handler.flags == SS_ONSTACK);
    KTAP_EXPECT(g_seen.altstack_change == -EPERM);
    Stack now{};
    KTAP_EXPECT(sigaltstack(nullptr, &now) == 0 && now.flags == 0 && now.sp == base);
    const Stack off{0, SS_DISABLE, 0};
    KTAP_EXPECT(sigaltstack(&off, nullptr) == 0);
    restore_default(SIGUSR1);
    munmap(base, 16384);
  });
  ktap_run("unwritable_frame_forces_sigsegv", [] {
    reset();
    // The alternate stack is not mapped: the SIGUSR1 frame cannot be written, so SIGSEGV
    // (SI_KERNEL) comes instead, on the normal stack.
    const Stack ss{UNMAPPED, 0, 65536};
    KTAP_EXPECT(sigaltstack(&ss, nullptr) == 0);
    KTAP_EXPECT(sigaction(SIGUSR1, on_signal, SA_ONSTACK) == 0);
    KTAP_EXPECT(sigaction(SIGSEGV, on_signal) == 0);
    KTAP_EXPECT(raise(SIGUSR1) == 0);
    KTAP_EXPECT(g_seen.count == 1 && g_seen.signo == SIGSEGV && g_seen.code == SI_KERNEL);
    const Stack off{0, SS_DISABLE, 0};
    KTAP_EXPECT(sigaltstack(&off, nullptr) == 0);
    restore_default(SIGUSR1);
    restore_default(SIGSEGV);
  });
  ktap_run("ignored_signal_does_nothing", [] {
    const Action ign{1, 0, 0, 0};
    KTAP_EXPECT(rt_sigaction(SIGUSR1, &ign, nullptr) == 0);
    KTAP_EXPECT(raise(SIGUSR1) == 0);
    restore_default(SIGUSR1);
  });
  ktap_run("handler_returns_after_vdso_unmap", [] {
    // Last: the vDSO stays unmapped. powerpc's close hook clears the vdso pointer, so the
    // trampoline goes on the stack (made executable for it); arm64 returns through SA_RESTORER.
    char maps[8192];
    MapsRange vdso{};
    if (read_maps(maps, sizeof(maps)) > 0) vdso = find_named(maps, "[vdso]");
    if (!KTAP_EXPECT(vdso.start != 0)) return;
    KTAP_EXPECT(munmap(vdso.start, vdso.end - vdso.start) == 0);
    volatile int here = 0;
    const uint64_t stack = reinterpret_cast<uint64_t>(&here);
#if defined(__powerpc64__)
    KTAP_EXPECT(make_stack_executable() == 0);
#endif
    reset();
    KTAP_EXPECT(sigaction(SIGUSR1, on_returning) == 0);
    KTAP_EXPECT(raise(SIGUSR1) == 0);
    KTAP_EXPECT(g_seen.count == 1 && g_seen.signo == SIGUSR1);
#if defined(__powerpc64__)
    // The frame's trampoline, just below this function's stack.
    KTAP_EXPECT(g_seen.returns_to < stack && stack - g_seen.returns_to < 64 * 1024);
#else
    KTAP_EXPECT(g_seen.returns_to == reinterpret_cast<uint64_t>(&signal_restorer));
    (void)stack;
#endif
    restore_default(SIGUSR1);
  });
  return ktap_finish();
}
