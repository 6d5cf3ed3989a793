// Dies of a SIGSEGV it queues to itself with an scv 0 system call and leaves a core on both
// kernels: its thread is then one an scv system call interrupted, whose NT_PRSTATUS shows what
// the scv entry recorded (trap 0x3000; CTR, XER and r9-r12 zero), which oracle/core-compare
// compares. The signal is rt_sigqueueinfo's (SI_QUEUE, allowed to oneself) with the window's base
// + 0x10 where a fault's address goes, so its siginfo compares as a fault's does. The window is
// core_segv's; like core_segv it first runs one VSX instruction. Elsewhere than powerpc, and
// without PPC_FEATURE2_SCV, it prints only core_scv.available no.
#include <signal.h>
#include <sys/syscall.h>

#include "oracle/programs/core_window.h"

int main(void) {
#if defined(__powerpc64__)
  if ((getauxval(AT_HWCAP2) & PPC_FEATURE2_SCV) != 0) {
    core_window_open(0);
    obs("core_scv.available", "yes");
    siginfo_t info;
    memset(&info, 0, sizeof info);
    info.si_signo = SIGSEGV;
    info.si_code = SI_QUEUE;
    info.si_addr = (void*)(at_page(0) + 0x10);
    // No call between the register variables' assignments and the asm, which would clobber them.
    const long pid = getpid();
    register long r0 __asm__("r0") = SYS_rt_sigqueueinfo;
    register long r3 __asm__("r3") = pid;
    register long r4 __asm__("r4") = SIGSEGV;
    register long r5 __asm__("r5") = (long)&info;
    __asm__ volatile(".long 0x44000001"
                     : "+r"(r0), "+r"(r3), "+r"(r4), "+r"(r5)
                     :
                     : "r6", "r7", "r8", "r9", "r10", "r11", "r12", "lr", "ctr", "xer", "cr0",
                       "memory");
    obs("core_scv.after_signal", "still running, r3 %ld", r3);
    return 1;
  }
#endif
  obs("core_scv.available", "no");
  return 0;
}
