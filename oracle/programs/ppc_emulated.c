// The instructions Linux 6.12's powerpc program check emulates for a program (arch/powerpc/
// kernel/traps.c emulate_instruction) among those POWER10 refuses in problem state: mfpvr, a
// privileged read, gives the PVR; dcba, gone from the architecture, does nothing; both go on at
// the next instruction. Then what an instruction Linux does not emulate gives: SIGILL at its
// address, ILL_ILLOPC for an illegal one and ILL_PRVOPC for a privileged one (mfmsr), printed
// last. Elsewhere than powerpc it prints only ppc_emulated.available no.
#include "oracle/programs/obs_signal.h"

#if defined(__powerpc64__)

extern char ppc_illegal_insn[], ppc_privileged_insn[];

static void probe_sigill(const char* key, void (*run)(void), const char* insn) {
  obs_seen_signo = 0;
  if (sigsetjmp(obs_recover, 1) == 0) {
    run();
    obs(key, "no_signal");
    return;
  }
  // si_code by number: obs_code_name has no name for ILL_PRVOPC (5).
  obs(key, "%s code %d at_insn %s", obs_signal_name(obs_seen_signo), (int)obs_seen_code,
      obs_seen_addr == (uintptr_t)insn ? "yes" : "no");
}

__attribute__((noinline)) static void run_illegal(void) {
  __asm__ volatile(".globl ppc_illegal_insn\nppc_illegal_insn: .long 0\n");
}

__attribute__((noinline)) static void run_privileged(void) {
  unsigned long msr;
  __asm__ volatile(".globl ppc_privileged_insn\nppc_privileged_insn: mfmsr %0\n" : "=r"(msr));
}

#endif

int main(void) {
  obs_choose_base();
#if defined(__powerpc64__)
  obs("ppc_emulated.available", "yes");
  obs_status("sigaction.ill", obs_handle(SIGILL, obs_on_fault, 0, 0));
  obs_status("sigaction.segv", obs_handle(SIGSEGV, obs_on_fault, 0, 0));
  unsigned long pvr = 0;
  obs_seen_signo = 0;
  if (sigsetjmp(obs_recover, 1) == 0) {
    __asm__ volatile("mfpvr %0" : "=r"(pvr));
    obs("ppc_emulated.mfpvr", "%#lx", pvr);
  } else {
    obs("ppc_emulated.mfpvr", "%s", obs_signal_name(obs_seen_signo));
  }
  char block[256] __attribute__((aligned(128)));
  memset(block, 0x5a, sizeof block);
  obs_seen_signo = 0;
  if (sigsetjmp(obs_recover, 1) == 0) {
    __asm__ volatile("dcba 0, %0" ::"r"(block) : "memory");
    obs("ppc_emulated.dcba", "no_signal first_byte %#x", (unsigned)(unsigned char)block[0]);
  } else {
    obs("ppc_emulated.dcba", "%s", obs_signal_name(obs_seen_signo));
  }
  probe_sigill("ppc_emulated.illegal", run_illegal, ppc_illegal_insn);
  probe_sigill("ppc_emulated.privileged", run_privileged, ppc_privileged_insn);
  return 0;
#endif
  obs("ppc_emulated.available", "no");
  return 0;
}
