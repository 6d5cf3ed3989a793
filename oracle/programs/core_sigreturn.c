// Dies of a SIGSEGV that waits, blocked, for the rt_sigreturn of the handler that queued it, and
// leaves a core on both kernels: the thread is then one whose registers rt_sigreturn has just
// restored, which on powerpc puts the no-restart bit in the trap word (0xc01: the rt_sigreturn
// system call's 0xc00 and the bit restore_sigcontext sets, arch/powerpc/kernel/signal_64.c), and
// the pc is the one the frame saved, after the kill that raised SIGUSR1. The SIGUSR1 handler's
// sa_mask blocks SIGSEGV, which it queues with rt_sigqueueinfo (SI_QUEUE, with the window's
// base + 0x10 where a fault's address goes, so its siginfo compares as a fault's does, as
// core_scv's). On powerpc the handler also puts a nonzero r3 in the frame: the core then shows
// it restored as r3, while pt_regs.result is rt_sigreturn's own return value, 0
// (syscall_exit_prepare in arch/powerpc/kernel/interrupt.c), not the restored r3. The window is
// core_segv's; like core_segv it first runs one VSX instruction.
#include <signal.h>
#include <sys/syscall.h>
#include <ucontext.h>

#include "oracle/programs/core_window.h"
#include "oracle/programs/obs_signal.h"

static volatile int g_usr1;

static void on_usr1(int signo, siginfo_t* si, void* context) {
  (void)signo, (void)si, (void)context;
#if defined(__powerpc64__)
  ((ucontext_t*)context)->uc_mcontext.gp_regs[3] = 0x5a;
#endif
  siginfo_t info;
  memset(&info, 0, sizeof info);
  info.si_signo = SIGSEGV;
  info.si_code = SI_QUEUE;
  info.si_addr = (void*)(at_page(0) + 0x10);
  if (syscall(SYS_rt_sigqueueinfo, getpid(), SIGSEGV, &info) != 0) _exit(3);
  g_usr1++;
}

int main(void) {
  core_window_open(0);
  obs("core.filled", "2 pages");
  obs_status("handler.usr1", obs_handle(SIGUSR1, on_usr1, 0, obs_sigbit(SIGSEGV)));
  syscall(SYS_kill, getpid(), SIGUSR1);
  obs("core.after_sigreturn", "still running, usr1 %d", g_usr1);
  return 1;
}
