// The program priority a powerpc program runs at (Power ISA Book II, "Program Priority
// Register"): what PPR[PRI] reads after exec, after a priority nop (or 1,1,1: low), and after each
// way back from the kernel with the low priority set just before it: a system call, sc or scv,
// whose return sets medium-low (HMT_MEDIUM_LOW in arch/powerpc/kernel/interrupt_64.S); a signal
// handler entered at a system call's return, and the code after that handler's rt_sigreturn; and
// a page fault, whose return gives back the priority its entry saved (pt_regs.ppr). Elsewhere than
// powerpc it prints only ppr.available no.
#include "oracle/programs/obs_signal.h"

#if defined(__powerpc64__)

#define SCV_0 ".long 0x44000001\n\t"
#define SPRN_PPR "896"

static unsigned long priority(unsigned long ppr) { return (ppr >> 50) & 7; }

static unsigned long read_ppr(void) {
  unsigned long ppr;
  __asm__ volatile("mfspr %0, " SPRN_PPR : "=r"(ppr));
  return ppr;
}

// Low priority, then at once a system call `nr` (r3 = a0, r4 = a1) made by `insn` (sc or scv 0),
// then PPR as the call's return left it.
#define PPR_AFTER_CALL(insn, nr, a0, a1)                                                      \
  ({                                                                                          \
    const long nr_value = (nr), a0_value = (a0), a1_value = (a1);                             \
    register long r0 __asm__("r0") = nr_value;                                                \
    register long r3 __asm__("r3") = a0_value;                                                \
    register long r4 __asm__("r4") = a1_value;                                                \
    unsigned long ppr;                                                                        \
    __asm__ volatile("or 1, 1, 1\n\t" insn "mfspr %[ppr], " SPRN_PPR                          \
                     : [ppr] "=&r"(ppr), "+r"(r0), "+r"(r3), "+r"(r4)                         \
                     :                                                                        \
                     : "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "cr0", "ctr", "lr", \
                       "xer", "memory");                                                      \
    ppr;                                                                                      \
  })

static volatile unsigned long g_handler_ppr;
static volatile int g_handler_ran;

static void on_usr1(int signo, siginfo_t* info, void* context) {
  (void)signo, (void)info, (void)context;
  g_handler_ppr = read_ppr();
  g_handler_ran = 1;
}

static void ppr_probes(void) {
  obs("ppr.available", "yes");
  obs("ppr.at_start", "%lu", priority(read_ppr()));
  __asm__ volatile("or 1, 1, 1");
  obs("ppr.after_nop", "%lu", priority(read_ppr()));
  obs("ppr.after_sc", "%lu", priority(PPR_AFTER_CALL("sc\n\t", SYS_getpid, 0, 0)));
  if ((getauxval(AT_HWCAP2) & PPC_FEATURE2_SCV) != 0) {
    obs("ppr.after_scv", "%lu", priority(PPR_AFTER_CALL(SCV_0, SYS_getpid, 0, 0)));
  } else {
    obs("ppr.after_scv", "no scv");
  }

  // A signal the kill raises for itself: the handler runs at the kill's return, and the code
  // after it at the return of its rt_sigreturn.
  obs_status("ppr.sigaction", obs_handle(SIGUSR1, on_usr1, 0, 0));
  const unsigned long after = PPR_AFTER_CALL("sc\n\t", SYS_kill, getpid(), SIGUSR1);
  if (g_handler_ran) {
    obs("ppr.in_handler", "%lu", priority(g_handler_ppr));
  } else {
    obs("ppr.in_handler", "not run");
  }
  obs("ppr.after_handler", "%lu", priority(after));

  // A page fault: a store to a page not touched yet.
  char* page = mmap(NULL, obs_page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) {
    obs("ppr.fault", "mmap failed");
    return;
  }
  unsigned long ppr;
  __asm__ volatile("or 1, 1, 1\n\tstb %[one], 0(%[page])\n\tmfspr %[ppr], " SPRN_PPR
                   : [ppr] "=&r"(ppr)
                   : [one] "r"(1), [page] "b"(page)
                   : "memory");
  obs("ppr.after_fault", "%lu page %s", priority(ppr), page[0] == 1 ? "written" : "not written");
}

#endif

int main(void) {
  obs_choose_base();
#if defined(__powerpc64__)
  ppr_probes();
  return 0;
#endif
  obs("ppr.available", "no");
  return 0;
}
