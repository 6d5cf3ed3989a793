// The scv 0 system call on powerpc (Documentation/arch/powerpc/syscall64-abi.rst), made by inline
// assembly: AT_HWCAP2's PPC_FEATURE2_SCV, results and errors as r3 (-errno, CR untouched), the
// registers the ABI keeps (r1, r2, r14-r28, every FP and vector register) and what the kernel
// leaves in the ones it may change (r0 and r4-r8, r9-r12, LR, CTR, XER), a level other than 0
// (SIGILL, its si_code and address), and a signal raised by an scv system call: what the
// handler's ucontext records of the call and what the registers hold once it returned. Elsewhere
// than powerpc it prints only scv.available no.
#include "oracle/programs/obs_signal.h"

#if defined(__powerpc64__)

#include <sys/ucontext.h>

#define SCV_0 ".long 0x44000001\n\t"
#define SCV_1 ".long 0x44000021\n\t"
// gp_regs is pt_regs: PT_NIP, PT_CTR, ... index it (<asm/ptrace.h>, through <signal.h>).
enum { CR_PATTERN = 0x3579bdf1 };  // CR0 = EQ | SO
// MSR bits a problem-state MSR has (Book III, "Machine State Register"): SF, EE, PR, IR, DR.
#define MSR_USER_BITS 0x800000000000c030ul

// What one scv 0 left: r3, CR, LR (and where the scv's next instruction is), CTR, XER, r9-r12,
// r0, r4-r8.
struct after {
  unsigned long r3, cr, lr, next, ctr, xer, r9_r12[4], r0, r4_r8[5];
};

// scv 0 with number `nr` and arguments r3-r8, r9-r12 = 0x99..., CR = CR_PATTERN.
static void scv_call(long nr, const long args[6], struct after* out) {
  register long r0 __asm__("r0") = nr;
  register long r3 __asm__("r3") = args[0];
  register long r4 __asm__("r4") = args[1];
  register long r5 __asm__("r5") = args[2];
  register long r6 __asm__("r6") = args[3];
  register long r7 __asm__("r7") = args[4];
  register long r8 __asm__("r8") = args[5];
  __asm__ volatile(
      "li 9, 0x99\n\t"
      "li 10, 0x1010\n\t"
      "li 11, 0x1111\n\t"
      "li 12, 0x1212\n\t"
      "lis 9, 0x3579\n\t"
      "ori 9, 9, 0xbdf1\n\t"
      "mtcr 9\n\t"
      "li 9, 0x99\n\t" SCV_0
      "std 9, 48(%[out])\n\t"
      "std 10, 56(%[out])\n\t"
      "std 11, 64(%[out])\n\t"
      "std 12, 72(%[out])\n\t"
      "mfcr 9\n\t"
      "std 9, 8(%[out])\n\t"
      "mflr 9\n\t"
      "std 9, 16(%[out])\n\t"
      "mfctr 9\n\t"
      "std 9, 32(%[out])\n\t"
      "mfxer 9\n\t"
      "std 9, 40(%[out])\n\t"
      // The scv's next instruction is 52 bytes before label 1.
      "bcl 20, 31, 1f\n"
      "1:\n\t"
      "mflr 9\n\t"
      "addi 9, 9, -52\n\t"
      "std 9, 24(%[out])\n\t"
      : "+r"(r0), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7), "+r"(r8)
      : [out] "b"(out)
      : "r9", "r10", "r11", "r12", "lr", "ctr", "xer", "cr0", "cr1", "cr2", "cr3", "cr4", "cr5",
        "cr6", "cr7", "memory");
  out->r3 = (unsigned long)r3;
  out->r0 = (unsigned long)r0;
  out->r4_r8[0] = (unsigned long)r4;
  out->r4_r8[1] = (unsigned long)r5;
  out->r4_r8[2] = (unsigned long)r6;
  out->r4_r8[3] = (unsigned long)r7;
  out->r4_r8[4] = (unsigned long)r8;
}

static long scv6(long nr, long a, long b, long c, long d, long e, long f) {
  const long args[6] = {a, b, c, d, e, f};
  struct after out;
  scv_call(nr, args, &out);
  return (long)out.r3;
}

// "-ENAME" for -errno, else the value.
static void obs_result(const char* key, long r) {
  if (r < 0 && r >= -4095) {
    obs(key, "-%s", errno_name((int)-r));
  } else {
    obs(key, "%ld", r);
  }
}

// r14-r28 set to known values, getpid by scv, then the values compared: 0 when all were kept.
static unsigned long scv_nonvolatile_gprs(void) {
  unsigned long differ;
  __asm__ volatile(
      ".irp n, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28\n\t"
      "li \\n, (\\n * 0x101)\n\t"
      ".endr\n\t"
      "li 0, %[nr]\n\t" SCV_0
      "li %[d], 0\n\t"
      ".irp n, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28\n\t"
      "xori \\n, \\n, (\\n * 0x101)\n\t"
      "or %[d], %[d], \\n\n\t"
      ".endr\n\t"
      : [d] "=&r"(differ)
      : [nr] "i"(SYS_getpid)
      : "r0", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "r14", "r15", "r16",
        "r17", "r18", "r19", "r20", "r21", "r22", "r23", "r24", "r25", "r26", "r27", "r28", "lr",
        "ctr", "xer", "cr0", "memory");
  return differ;
}

static double fp_before[32], fp_after[32];
static unsigned char vr_before[32][16] __attribute__((aligned(16)));
static unsigned char vr_after[32][16] __attribute__((aligned(16)));

// f0-f31 and v0-v31 loaded, getpid by scv, then stored: the arrays say what was kept.
static void scv_fp_vector(void) {
  for (int i = 0; i < 32; i++) {
    fp_before[i] = 1.5 + i;
    for (int b = 0; b < 16; b++) vr_before[i][b] = (unsigned char)(i * 16 + b + 1);
  }
  __asm__ volatile(
      ".machine push\n\t"
      ".machine power7\n\t"
      ".irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, "
      "23, 24, 25, 26, 27, 28, 29, 30, 31\n\t"
      "lfd \\n, (8 * \\n)(%[fb])\n\t"
      "li 9, (16 * \\n)\n\t"
      "lvx \\n, %[vb], 9\n\t"
      ".endr\n\t"
      "li 0, %[nr]\n\t" SCV_0
      ".irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, "
      "23, 24, 25, 26, 27, 28, 29, 30, 31\n\t"
      "stfd \\n, (8 * \\n)(%[fa])\n\t"
      "li 9, (16 * \\n)\n\t"
      "stvx \\n, %[va], 9\n\t"
      ".endr\n\t"
      ".machine pop\n\t"
      :
      : [fb] "b"(fp_before), [fa] "b"(fp_after), [vb] "b"(vr_before), [va] "b"(vr_after),
        [nr] "i"(SYS_getpid)
      : "r0", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "lr", "ctr", "xer",
        "cr0", "memory", "fr0", "fr1", "fr2", "fr3", "fr4", "fr5", "fr6", "fr7", "fr8", "fr9",
        "fr10", "fr11", "fr12", "fr13", "fr14", "fr15", "fr16", "fr17", "fr18", "fr19", "fr20",
        "fr21", "fr22", "fr23", "fr24", "fr25", "fr26", "fr27", "fr28", "fr29", "fr30", "fr31",
        "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v12", "v13",
        "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25", "v26",
        "v27", "v28", "v29", "v30", "v31");
}

static sigjmp_buf level_recover;
static volatile unsigned long level_code, level_addr, level_at;

static void on_sigill(int signo, siginfo_t* info, void* context) {
  (void)signo;
  (void)context;
  level_code = (unsigned long)info->si_code;
  level_addr = (unsigned long)info->si_addr;
  siglongjmp(level_recover, 1);
}

// scv 1; level_at is the scv's address.
static void scv_level_1(void) {
  __asm__ volatile(
      "bcl 20, 31, 1f\n"
      "1:\n\t"
      "mflr 9\n\t"
      "addi 9, 9, 12\n\t"
      "std 9, 0(%[at])\n\t" SCV_1 "nop\n\t"
      :
      : [at] "b"(&level_at)
      : "r9", "lr", "memory");
}

static volatile unsigned long seen[8];

// What the ucontext of a handler of a signal an scv system call raised records of the call.
static void on_usr1(int signo, siginfo_t* info, void* context) {
  (void)signo;
  (void)info;
  const ucontext_t* uc = context;
  const unsigned long* g = (const unsigned long*)uc->uc_mcontext.gp_regs;
  seen[0] = g[PT_TRAP];
  seen[1] = g[3];
  seen[2] = g[PT_LNK] == g[PT_NIP];
  seen[3] = g[PT_CTR];
  seen[4] = g[PT_XER];
  seen[5] = g[9] | g[10] | g[11] | g[12];
  seen[6] = g[PT_CCR];
  seen[7] = g[PT_NIP];
}

static void scv_probes(void) {
  obs("scv.available", "yes");
  obs("scv.getpid same_as_sc", "%s", scv6(SYS_getpid, 0, 0, 0, 0, 0, 0) == getpid() ? "yes" : "no");
  obs_result("scv.close_bad", scv6(SYS_close, -1, 0, 0, 0, 0, 0));
  obs_result("scv.munmap_unaligned", scv6(SYS_munmap, 1, 4096, 0, 0, 0, 0));

  // close(-1), a failure: what each register the kernel may touch holds after it.
  const long args[6] = {-1, 0x4444, 0x5555, 0x6666, 0x7777, 0x8888};
  struct after a;
  scv_call(SYS_close, args, &a);
  obs_result("scv.regs.r3", (long)a.r3);
  obs("scv.regs.cr", "%#lx%s", a.cr, a.cr == CR_PATTERN ? " (as before)" : "");
  obs("scv.regs.lr_is_next", "%s", a.lr == a.next ? "yes" : "no");
  obs("scv.regs.ctr_user_msr", "%s", (a.ctr & MSR_USER_BITS) == MSR_USER_BITS ? "yes" : "no");
  obs("scv.regs.xer", "%#lx", a.xer);
  obs("scv.regs.r9_r12", "%#lx %#lx %#lx %#lx", a.r9_r12[0], a.r9_r12[1], a.r9_r12[2], a.r9_r12[3]);
  obs("scv.regs.r0", "%lu", a.r0);
  int kept = 1;
  for (int i = 0; i < 5; i++) kept &= a.r4_r8[i] == (unsigned long)args[1 + i];
  obs("scv.regs.r4_r8_kept", "%s", kept ? "yes" : "no");
  obs("scv.regs.r14_r28_kept", "%s", scv_nonvolatile_gprs() == 0 ? "yes" : "no");
  scv_fp_vector();
  obs("scv.regs.f0_f31_kept", "%s",
      memcmp(fp_before, fp_after, sizeof fp_before) == 0 ? "yes" : "no");
  obs("scv.regs.v0_v31_kept", "%s",
      memcmp(vr_before, vr_after, sizeof vr_before) == 0 ? "yes" : "no");

  // A level other than 0.
  if (obs_handle(SIGILL, on_sigill, 0, 0) != 0) obs("scv.level_1", "sigaction failed");
  if (sigsetjmp(level_recover, 1) == 0) {
    scv_level_1();
    obs("scv.level_1", "returned");
  } else {
    obs("scv.level_1", "SIGILL code %lu addr %s", level_code,
        level_addr == level_at + 4 ? "after the scv"
        : level_addr == level_at   ? "the scv"
                                   : "other");
  }

  // kill(getpid(), SIGUSR1) by scv: the handler runs on the way out of the call.
  if (obs_handle(SIGUSR1, on_usr1, 0, 0) != 0) obs("scv.signal", "sigaction failed");
  const long kill_args[6] = {getpid(), SIGUSR1, 0x5555, 0x6666, 0x7777, 0x8888};
  scv_call(SYS_kill, kill_args, &a);
  obs("scv.signal.trap", "%#lx", seen[0]);
  obs_result("scv.signal.r3", (long)seen[1]);
  obs("scv.signal.link_is_nip", "%s", seen[2] ? "yes" : "no");
  obs("scv.signal.nip_is_next", "%s", seen[7] == a.next ? "yes" : "no");
  obs("scv.signal.ctr", "%#lx", seen[3]);
  obs("scv.signal.xer", "%#lx", seen[4]);
  obs("scv.signal.r9_r12", "%#lx", seen[5]);
  obs("scv.signal.ccr", "%#lx", seen[6]);
  // After the handler's rt_sigreturn: every register as the frame held it.
  obs_result("scv.after_signal.r3", (long)a.r3);
  obs("scv.after_signal.ctr", "%#lx", a.ctr);
  obs("scv.after_signal.xer", "%#lx", a.xer);
  obs("scv.after_signal.lr_is_next", "%s", a.lr == a.next ? "yes" : "no");
  obs("scv.after_signal.r9_r12", "%#lx %#lx %#lx %#lx", a.r9_r12[0], a.r9_r12[1], a.r9_r12[2],
      a.r9_r12[3]);
  obs("scv.after_signal.cr", "%#lx", a.cr);
}

#endif

int main(void) {
#if defined(__powerpc64__)
  if ((getauxval(AT_HWCAP2) & PPC_FEATURE2_SCV) != 0) {
    scv_probes();
    return 0;
  }
#endif
  obs("scv.available", "no");
  return 0;
}
