// What a handler sees (Linux kernel/signal.c, arch/arm64/kernel/signal.c,
// arch/powerpc/kernel/signal_64.c): siginfo for kill, tgkill and a fault; the saved mask in
// uc_sigmask against the mask the handler runs with (sa_mask, the signal itself unless
// SA_NODEFER); SA_RESETHAND; uc_stack and the alternate stack; the faulting pc, the fault
// address and one register in the machine context, and that rt_sigreturn restores the context
// the handler changed; and the fault address a later signal's frame shows (powerpc: the last
// fault's DAR and DSISR, setup_sigcontext copying pt_regs whole; arm64: the thread's last fault
// address).
#define _GNU_SOURCE
#include <ucontext.h>

#include "oracle/programs/obs_signal.h"

extern char obs_fault_insn[];

// Stores `value` at addr with one instruction at obs_fault_insn, the value in a fixed register
// (arm64 x2, powerpc r4); returns that register afterwards.
__attribute__((noinline)) static long fault_store(char* addr, long value) {
#if defined(__aarch64__)
  register char* a __asm__("x0") = addr;
  register long v __asm__("x2") = value;
  __asm__ volatile(".globl obs_fault_insn\nobs_fault_insn: strb w2, [x0]\n"
                   : "+r"(v)
                   : "r"(a)
                   : "memory");
#else
  register char* a __asm__("r3") = addr;
  register long v __asm__("r4") = value;
  __asm__ volatile(".globl obs_fault_insn\nobs_fault_insn: stb 4, 0(3)\n"
                   : "+r"(v)
                   : "r"(a)
                   : "memory");
#endif
  return v;
}

static uint64_t* pc_of(ucontext_t* uc) {
#if defined(__aarch64__)
  return (uint64_t*)&uc->uc_mcontext.pc;
#else
  return (uint64_t*)&uc->uc_mcontext.gp_regs[32];  // PT_NIP
#endif
}

static uint64_t* value_register(ucontext_t* uc) {
#if defined(__aarch64__)
  return (uint64_t*)&uc->uc_mcontext.regs[2];
#else
  return (uint64_t*)&uc->uc_mcontext.gp_regs[4];
#endif
}

static uint64_t fault_address(ucontext_t* uc) {
#if defined(__aarch64__)
  return uc->uc_mcontext.fault_address;
#else
  return uc->uc_mcontext.gp_regs[41];        // PT_DAR
#endif
}

static const uint64_t WATCHED[] = {SIGHUP, SIGUSR1, SIGUSR2, SIGTERM};

static void mask_text(const sigset_t* set, char* text, size_t size) {
  size_t n = 0;
  text[0] = '\0';
  for (size_t i = 0; i < sizeof WATCHED / sizeof WATCHED[0]; i++) {
    if (!sigismember(set, (int)WATCHED[i])) continue;
    n += (size_t)snprintf(text + n, size - n, "%s%d", n ? "," : "", (int)WATCHED[i]);
  }
  if (n == 0) snprintf(text, size, "none");
}

// What the last handler saw, printed by the main line after it returned.
static struct {
  int signo, code, errno_value;
  int pid_is_self, uid;
  char saved_mask[32], running_mask[32], disposition[16];
  int on_altstack, uc_ss_flags, current_ss_flags;
  uintptr_t uc_ss_sp;
  size_t uc_ss_size;
  uintptr_t info_addr, fault_addr;
  int pc_at_insn, value_seen;
} seen;
static uintptr_t alt_base;
static size_t alt_size;

static void record(int signo, siginfo_t* info, void* context) {
  ucontext_t* uc = context;
  seen.signo = signo;
  seen.code = info->si_code;
  seen.errno_value = info->si_errno;
  seen.pid_is_self = info->si_pid == getpid();
  seen.uid = (int)info->si_uid;
  mask_text(&uc->uc_sigmask, seen.saved_mask, sizeof seen.saved_mask);
  sigset_t now;
  sigprocmask(SIG_BLOCK, NULL, &now);
  mask_text(&now, seen.running_mask, sizeof seen.running_mask);
  snprintf(seen.disposition, sizeof seen.disposition, "%s", obs_disposition(signo));
  char here;
  seen.on_altstack =
      alt_size != 0 && (uintptr_t)&here >= alt_base && (uintptr_t)&here < alt_base + alt_size;
  seen.uc_ss_sp = (uintptr_t)uc->uc_stack.ss_sp;
  seen.uc_ss_size = uc->uc_stack.ss_size;
  seen.uc_ss_flags = uc->uc_stack.ss_flags;
  stack_t cur;
  sigaltstack(NULL, &cur);
  seen.current_ss_flags = cur.ss_flags;
  seen.info_addr = (uintptr_t)info->si_addr;
}

static void on_signal(int signo, siginfo_t* info, void* context) { record(signo, info, context); }

static const long VALUE = 0x5a;

// A signal that is not a fault: the fault address and (powerpc) DSISR its frame holds (`seen`
// keeps the fault's).
static int kill_signo, kill_code;
static uintptr_t kill_fault_addr;
static uint64_t kill_dsisr;
static void on_kill_after_fault(int signo, siginfo_t* info, void* context) {
  ucontext_t* uc = context;
  kill_signo = signo;
  kill_code = info->si_code;
  kill_fault_addr = fault_address(uc);
#if defined(__aarch64__)
  kill_dsisr = 0;
#else
  kill_dsisr = uc->uc_mcontext.gp_regs[42];  // PT_DSISR
#endif
}

// A fault at obs_fault_insn: checks the frame's pc and register, then changes the register and
// moves the pc past the store, so the return shows both restored from the frame.
static void on_fault(int signo, siginfo_t* info, void* context) {
  ucontext_t* uc = context;
  record(signo, info, context);
  seen.fault_addr = fault_address(uc);
  seen.pc_at_insn = *pc_of(uc) == (uintptr_t)obs_fault_insn;
  seen.value_seen = *value_register(uc) == (uint64_t)VALUE;
  *value_register(uc) = VALUE + 1;
  *pc_of(uc) += 4;
}

static void report(const char* key) {
  // si_pid and si_uid exist only for a signal a process sent (si_code <= 0); a fault's si_addr
  // overlays them.
  char sender[48] = "sender none";
  if (seen.code <= 0) {
    snprintf(sender, sizeof sender, "pid_is_self %s uid %d", seen.pid_is_self ? "yes" : "no",
             seen.uid);
  }
  obs(key, "signo %s code %s errno %d %s", obs_signal_name(seen.signo),
      obs_code_name(seen.signo, seen.code), seen.errno_value, sender);
  char k[64];
  snprintf(k, sizeof k, "%s.masks", key);
  obs(k, "saved %s running %s disposition %s", seen.saved_mask, seen.running_mask,
      seen.disposition);
  char a[48];
  snprintf(k, sizeof k, "%s.stack", key);
  obs(k, "on_altstack %s uc_ss_sp %s uc_ss_size %s uc_ss_flags 0x%x current_ss_flags 0x%x",
      seen.on_altstack ? "yes" : "no",
      seen.uc_ss_sp == 0 ? "0" : obs_rel_to(seen.uc_ss_sp, alt_base, "alt", a, sizeof a),
      seen.uc_ss_size == 0          ? "0"
      : seen.uc_ss_size == alt_size ? "alt_size"
                                    : "other",
      seen.uc_ss_flags, seen.current_ss_flags);
  memset(&seen, 0, sizeof seen);
}

static void current_mask(const char* key) {
  sigset_t now;
  sigprocmask(SIG_BLOCK, NULL, &now);
  char text[32];
  mask_text(&now, text, sizeof text);
  obs(key, "%s", text);
}

int main(void) {
  obs_choose_base();
  const int FIXED = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;
  char* ro = obs_mmap("mmap.readonly", at_page(2), obs_page, PROT_READ, FIXED);
  char* alt = obs_mmap("mmap.altstack", at_page(8), 16 * obs_page, PROT_READ | PROT_WRITE, FIXED);
  if (ro == NULL || alt == NULL) return 1;

  sigset_t hup;
  sigemptyset(&hup);
  sigaddset(&hup, SIGHUP);
  sigprocmask(SIG_BLOCK, &hup, NULL);
  current_mask("mask.before");

  obs_status("sigaction.usr1", obs_handle(SIGUSR1, on_signal, 0, obs_sigbit(SIGUSR2)));
  obs_status("kill.usr1", kill(getpid(), SIGUSR1));
  report("handler.kill");
  current_mask("mask.after_return");
  obs("disposition.usr1", "%s", obs_disposition(SIGUSR1));

  obs_status("tgkill.usr1", (int)syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1));
  report("handler.tgkill");

  obs_status("sigaction.nodefer", obs_handle(SIGUSR1, on_signal, SA_NODEFER, 0));
  obs_status("kill.nodefer", kill(getpid(), SIGUSR1));
  report("handler.nodefer");

  obs_status("sigaction.resethand", obs_handle(SIGUSR2, on_signal, SA_RESETHAND, 0));
  obs_status("kill.resethand", kill(getpid(), SIGUSR2));
  report("handler.resethand");
  obs("disposition.usr2_after", "%s", obs_disposition(SIGUSR2));

  // A signal that is blocked stays pending until it is unblocked.
  obs_status("sigaction.usr1_again", obs_handle(SIGUSR1, on_signal, 0, 0));
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigprocmask(SIG_BLOCK, &usr1, NULL);
  obs_status("kill.blocked", kill(getpid(), SIGUSR1));
  obs("handler.while_blocked", "%s", seen.signo == 0 ? "not_run" : "ran");
  sigprocmask(SIG_UNBLOCK, &usr1, NULL);
  report("handler.unblocked");

  // The alternate stack.
  alt_base = (uintptr_t)alt;
  alt_size = 16 * obs_page;
  stack_t ss = {.ss_sp = alt, .ss_size = alt_size, .ss_flags = 0};
  obs_status("sigaltstack.set", sigaltstack(&ss, NULL));
  obs_status("sigaction.onstack", obs_handle(SIGUSR1, on_signal, SA_ONSTACK, 0));
  obs_status("kill.onstack", kill(getpid(), SIGUSR1));
  report("handler.onstack");
  obs_status("sigaction.not_onstack", obs_handle(SIGUSR1, on_signal, 0, 0));
  obs_status("kill.not_onstack", kill(getpid(), SIGUSR1));
  report("handler.not_onstack");

  // A fault: the frame's pc, fault address and register; the changed context on return.
  obs_status("sigaction.segv", obs_handle(SIGSEGV, on_fault, 0, 0));
  obs_status("sigaction.after_fault", obs_handle(SIGUSR2, on_kill_after_fault, 0, 0));
  long after = fault_store(ro + 0x30, VALUE);
  // At once, before anything else can fault: what a later signal's frame says of the fault.
  const int killed = kill(getpid(), SIGUSR2);
  char a[48];
  obs("fault.siginfo", "signo %s code %s si_addr %s", obs_signal_name(seen.signo),
      obs_code_name(seen.signo, seen.code), obs_rel(seen.info_addr, a, sizeof a));
  obs("fault.frame", "fault_address %s pc_at_store %s register_saved %s",
      obs_rel(seen.fault_addr, a, sizeof a), seen.pc_at_insn ? "yes" : "no",
      seen.value_seen ? "yes" : "no");
  obs("fault.register_after_return", "%s", after == VALUE + 1 ? "changed_by_handler" : "other");
  report("handler.fault");
  obs_status("kill.after_fault", killed);
  obs("handler.after_fault", "signo %s code %s fault_address %s dsisr 0x%llx",
      obs_signal_name(kill_signo), obs_code_name(kill_signo, kill_code),
      obs_rel(kill_fault_addr, a, sizeof a), (unsigned long long)kill_dsisr);
  return 0;
}
