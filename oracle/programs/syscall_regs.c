// What a system call leaves in the registers besides its result, and what a handler's frame
// holds of them, issued with the bare call instruction (arm64 svc, powerpc sc; not glibc's
// wrappers, which choose scv where the kernel offers it): every register the call may
// clobber is loaded with a known value first, and each is printed as "zero", "kept" or
// "other" afterwards (powerpc's CR in full). Linux's arm64 keeps all but x0
// (arch/arm64/kernel/entry-common.c); Linux's powerpc sc zeroes r9-r12, CTR and XER on entry
// and, on a return that restores nothing from the frame, r0 and r4-r8 too (arch/powerpc/kernel/
// interrupt_64.S system_call_common and .Lsyscall_exit); a signal pending at the return restores
// the frame instead (interrupt.c interrupt_exit_user_prepare_main). Two calls: getppid, and a
// kill of the program itself whose handler sees the frame, then returns through rt_sigreturn.
#include "oracle/programs/obs_signal.h"

#if defined(__aarch64__)
// x0-x17, then the call number's register (x8) is among them.
enum { REGS = 18, NUMBER = 8, RESULT = 0, ARG0 = 0, ARG1 = 1 };
static const char* const names[REGS] = {"x0",  "x1",  "x2",  "x3",  "x4",  "x5",
                                        "x6",  "x7",  "x8",  "x9",  "x10", "x11",
                                        "x12", "x13", "x14", "x15", "x16", "x17"};

// Loads x0-x17 from in, calls, stores x0-x17 to out.
static void call(const unsigned long* in, unsigned long* out) {
  __asm__ volatile(
      "ldp x0, x1, [%0, #0]\n ldp x2, x3, [%0, #16]\n ldp x4, x5, [%0, #32]\n"
      "ldp x6, x7, [%0, #48]\n ldp x8, x9, [%0, #64]\n ldp x10, x11, [%0, #80]\n"
      "ldp x12, x13, [%0, #96]\n ldp x14, x15, [%0, #112]\n ldp x16, x17, [%0, #128]\n"
      "svc #0\n"
      "stp x0, x1, [%1, #0]\n stp x2, x3, [%1, #16]\n stp x4, x5, [%1, #32]\n"
      "stp x6, x7, [%1, #48]\n stp x8, x9, [%1, #64]\n stp x10, x11, [%1, #80]\n"
      "stp x12, x13, [%1, #96]\n stp x14, x15, [%1, #112]\n stp x16, x17, [%1, #128]\n"
      :
      : "r"(in), "r"(out)
      : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
        "x14", "x15", "x16", "x17", "cc", "memory");
}

static unsigned long frame_reg(const ucontext_t* uc, int i) { return uc->uc_mcontext.regs[i]; }
#elif defined(__powerpc64__)
// r0, r3-r12, CTR, XER, LR, CR.
enum { REGS = 15, NUMBER = 0, RESULT = 1, ARG0 = 1, ARG1 = 2, CR = 14 };
static const char* const names[REGS] = {"r0",  "r3",  "r4",  "r5",  "r6",  "r7", "r8", "r9",
                                        "r10", "r11", "r12", "ctr", "xer", "lr", "cr"};

// Loads the registers from in (r0 last, after it carried CTR, XER, LR and CR), calls, stores
// them to out.
static void call(const unsigned long* in, unsigned long* out) {
  __asm__ volatile(
      "ld 0, 88(%0)\n mtctr 0\n ld 0, 96(%0)\n mtxer 0\n ld 0, 104(%0)\n mtlr 0\n"
      "ld 0, 112(%0)\n mtcr 0\n"
      "ld 3, 8(%0)\n ld 4, 16(%0)\n ld 5, 24(%0)\n ld 6, 32(%0)\n ld 7, 40(%0)\n"
      "ld 8, 48(%0)\n ld 9, 56(%0)\n ld 10, 64(%0)\n ld 11, 72(%0)\n ld 12, 80(%0)\n"
      "ld 0, 0(%0)\n"
      "sc\n"
      "std 0, 0(%1)\n std 3, 8(%1)\n std 4, 16(%1)\n std 5, 24(%1)\n std 6, 32(%1)\n"
      "std 7, 40(%1)\n std 8, 48(%1)\n std 9, 56(%1)\n std 10, 64(%1)\n std 11, 72(%1)\n"
      "std 12, 80(%1)\n mfctr 0\n std 0, 88(%1)\n mfxer 0\n std 0, 96(%1)\n"
      "mflr 0\n std 0, 104(%1)\n mfcr 0\n std 0, 112(%1)\n"
      :
      : "b"(in), "b"(out)
      : "r0", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "ctr", "xer", "lr",
        "cr0", "cr1", "cr2", "cr3", "cr4", "cr5", "cr6", "cr7", "memory");
}

// The frame's value of register i: gp_regs holds r0-r31, then nip, msr, orig_gpr3, ctr, link,
// xer, ccr (pt_regs).
static unsigned long frame_reg(const ucontext_t* uc, int i) {
  static const int at[REGS] = {0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 35, 37, 36, 38};
  return uc->uc_mcontext.gp_regs[at[i]];
}
#endif

#if defined(__aarch64__) || defined(__powerpc64__)
static unsigned long in[REGS], out[REGS], seen[REGS];
static int handled;

static void on_usr1(int signo, siginfo_t* info, void* context) {
  (void)signo;
  (void)info;
  for (int i = 0; i < REGS; i++) seen[i] = frame_reg((const ucontext_t*)context, i);
  handled++;
}

// Known values in every register, then the call number.
static void load(long number) {
  for (int i = 0; i < REGS; i++) in[i] = 0x5a5a0000ul + 0x101ul * (unsigned long)i;
#if defined(__powerpc64__)
  // CR0 with SO set, as a failed call leaves it: a success clears it. XER with CA, OV and a
  // byte count.
  in[CR] = 0x32345678;
  in[12] = 0x6000000f;
#endif
  in[NUMBER] = (unsigned long)number;
}

static void report(const char* key, const unsigned long* got) {
  for (int i = 0; i < REGS; i++) {
    if (i == RESULT) continue;
    char k[64];
    snprintf(k, sizeof k, "%s.%s", key, names[i]);
#if defined(__powerpc64__)
    if (i == CR) {
      obs(k, "0x%lx", got[i]);
      continue;
    }
#endif
    obs(k, "%s", got[i] == 0 ? "zero" : got[i] == in[i] ? "kept" : "other");
  }
}

int main(void) {
  load(SYS_getppid);
  call(in, out);
  report("getppid", out);

  obs("sigaction.usr1", "%s", obs_handle(SIGUSR1, on_usr1, 0, 0) == 0 ? "ok" : "error");
  load(SYS_kill);
  in[ARG0] = (unsigned long)getpid();
  in[ARG1] = SIGUSR1;
  call(in, out);
  obs("kill.result", "%ld handled %d", (long)out[RESULT], handled);
  report("kill.frame", seen);
  report("kill.after_return", out);
  return 0;
}
#else
int main(void) {
  obs("syscall_regs.available", "no");
  return 0;
}
#endif
