// rt_sigreturn of a frame whose v_regs a powerpc handler set to 0 (arch/powerpc/kernel/
// signal_64.c restore_sigcontext): with VEC but not VSX in the saved MSR the return restores no
// vector state and VRSAVE 0; with VSX in it Linux reads the VSX doublewords at v_regs plus 34
// quadwords, from address 0x220, which faults: SIGSEGV (SI_KERNEL), and the code after the kill
// that raised the handler's signal does not run. Elsewhere than powerpc it prints only
// sigreturn_vregs.available no.
#include <ucontext.h>

#include "oracle/programs/obs_signal.h"

#if defined(__powerpc64__)

// gp_regs is pt_regs: PT_MSR indexes it (<asm/ptrace.h>, through <signal.h>).
#define FRAME_MSR_VEC (1ul << 25)
#define FRAME_MSR_VSX (1ul << 23)

static unsigned long g_msr_set, g_msr_clear;

static void on_usr1(int signo, siginfo_t* info, void* context) {
  (void)signo, (void)info;
  ucontext_t* uc = context;
  uc->uc_mcontext.v_regs = NULL;
  uc->uc_mcontext.gp_regs[PT_MSR] = (uc->uc_mcontext.gp_regs[PT_MSR] | g_msr_set) & ~g_msr_clear;
}

static unsigned long read_vrsave(void) {
  unsigned long vrsave;
  __asm__ volatile("mfspr %0, 256" : "=r"(vrsave));
  return vrsave;
}

static void write_vrsave(unsigned long vrsave) { __asm__ volatile("mtspr 256, %0" ::"r"(vrsave)); }

// Raises SIGUSR1, whose handler sets v_regs to 0 and the MSR bits given, and says how its
// rt_sigreturn ended.
static void probe(const char* key, unsigned long set, unsigned long clear) {
  g_msr_set = set;
  g_msr_clear = clear;
  write_vrsave(0x5a5a5a5a);
  obs_seen_signo = 0;
  if (sigsetjmp(obs_recover, 1) == 0) {
    kill(getpid(), SIGUSR1);
    obs(key, "returned vrsave %#lx", read_vrsave());
    return;
  }
  obs(key, "%s %s", obs_signal_name(obs_seen_signo), obs_code_name(obs_seen_signo, obs_seen_code));
}

#endif

int main(void) {
  obs_choose_base();
#if defined(__powerpc64__)
  obs("sigreturn_vregs.available", "yes");
  obs_status("sigaction.usr1", obs_handle(SIGUSR1, on_usr1, 0, 0));
  obs_status("sigaction.segv", obs_handle(SIGSEGV, obs_on_fault, 0, 0));
  probe("sigreturn_vregs.null_with_vec", FRAME_MSR_VEC, FRAME_MSR_VSX);
  probe("sigreturn_vregs.null_with_vsx", FRAME_MSR_VSX, 0);
  return 0;
#endif
  obs("sigreturn_vregs.available", "no");
  return 0;
}
