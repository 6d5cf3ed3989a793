// What a failed rt_sigreturn leaves behind. Linux reads and sets the frame's signal mask first
// (set_current_blocked), then restores the registers one by one, and at a bad part forces
// SIGSEGV and returns 0, which the system call's exit puts in x0 / r3 (arch/arm64/kernel/
// signal.c sys_rt_sigreturn and restore_sigframe, arch/powerpc/kernel/signal_64.c
// sys_rt_sigreturn and __unsafe_restore_sigcontext). Each case makes one bad rt_sigreturn, and
// a SIGSEGV handler on the alternate stack prints what its frame shows: the blocked mask at
// delivery (its uc_sigmask), the pc, x0 / r3, x20 / r20 and the signal's code and address, and
// on powerpc f14 and VRSAVE.
//   unmapped      rt_sigreturn with the stack pointer on an unmapped page: the mask cannot be
//                 read (arm64 reads every register as 0 and goes on; powerpc stops at once)
//   arm64 bad_record, no_fpsimd, bad_pstate: a SIGUSR1 handler's frame with marker registers
//                 and mask and an unknown first __reserved record, no fpsimd_context, or an I
//                 bit in PSTATE (which Linux cuts back to NZCV)
//   powerpc vsx_null, vregs_kernel, tm: marker registers and mask and v_regs 0 with MSR_VSX
//                 (the VSX read faults after the GPRs and FPRs), v_regs a kernel address (refused
//                 after the GPRs), or a transactional MSR (refused before the GPRs)
#include <stdint.h>
#include <ucontext.h>

#include "oracle/programs/obs_signal.h"

enum { SRF_SA_ONSTACK = 0x08000000 };

static const uint64_t MARK_X0 = 0x3030, MARK_X20 = 0x2020202020, MARK_PC = 0x40000;
static const uint64_t FRAME_MASK = (1ull << (SIGUSR2 - 1)) | (1ull << (SIGHUP - 1));

// What the SIGSEGV frame showed.
static volatile uint64_t seen_mask, seen_pc, seen_x0, seen_x20, seen_f14, seen_vrsave, seen_pstate;
static volatile uintptr_t seen_addr, expected_addr;
static volatile int seen_code;
static volatile int probe_case;

extern char srf_after_call[];

static void on_segv(int signo, siginfo_t* info, void* context) {
  ucontext_t* uc = context;
  obs_seen_signo = signo;
  uint64_t mask;
  memcpy(&mask, &uc->uc_sigmask, sizeof(mask));
  seen_mask = mask;
  seen_code = info->si_code;
  seen_addr = (uintptr_t)info->si_addr;
#if defined(__aarch64__)
  seen_pc = uc->uc_mcontext.pc;
  seen_x0 = uc->uc_mcontext.regs[0];
  seen_x20 = uc->uc_mcontext.regs[20];
  seen_pstate = uc->uc_mcontext.pstate;
#elif defined(__powerpc64__)
  seen_pc = uc->uc_mcontext.gp_regs[PT_NIP];
  seen_x0 = uc->uc_mcontext.gp_regs[3];
  seen_x20 = uc->uc_mcontext.gp_regs[20];
  memcpy((void*)&seen_f14, &uc->uc_mcontext.fp_regs[14], sizeof(uint64_t));
  uint32_t vrsave;
  memcpy(&vrsave, (const char*)uc->uc_mcontext.v_regs + 33 * 16, sizeof(vrsave));
  seen_vrsave = vrsave;
#endif
  siglongjmp(obs_recover, 1);
}

#if defined(__aarch64__)
enum { CASE_BAD_RECORD = 1, CASE_NO_FPSIMD, CASE_BAD_PSTATE };
static const uint64_t PSTATE_Z = 1ull << 30, PSTATE_I = 1ull << 7;

static void on_usr1(int signo, siginfo_t* info, void* context) {
  (void)signo, (void)info;
  ucontext_t* uc = context;
  memcpy(&uc->uc_sigmask, &FRAME_MASK, sizeof(FRAME_MASK));
  uc->uc_mcontext.regs[0] = MARK_X0;
  uc->uc_mcontext.regs[20] = MARK_X20;
  uc->uc_mcontext.pc = MARK_PC;
  expected_addr = uc->uc_mcontext.sp;
  uint32_t* head = (uint32_t*)uc->uc_mcontext.__reserved;
  if (probe_case == CASE_BAD_RECORD) head[0] = 0x12345678;
  if (probe_case == CASE_NO_FPSIMD) head[0] = head[1] = 0;
  if (probe_case == CASE_BAD_PSTATE) {
    uc->uc_mcontext.pstate = (uc->uc_mcontext.pstate & ~(0xfull << 28)) | PSTATE_Z | PSTATE_I;
  }
}

// rt_sigreturn with sp = frame, x0 and x20 marked.
static void sigreturn_at(uintptr_t frame) {
  register uint64_t x0 __asm__("x0") = MARK_X0;
  register uint64_t x8 __asm__("x8") = SYS_rt_sigreturn;
  register uint64_t x20 __asm__("x20") = MARK_X20;
  __asm__ volatile(
      "mov x9, sp\n"
      "mov sp, %[frame]\n"
      "svc #0\n"
      ".globl srf_after_call\n"
      "srf_after_call:\n"
      "mov sp, x9\n"
      : "+r"(x0)
      : [frame] "r"(frame), "r"(x8), "r"(x20)
      : "x9", "memory");
}
#elif defined(__powerpc64__)
enum { CASE_VSX_NULL = 1, CASE_VREGS_KERNEL, CASE_TM };
static const uint64_t MARK_F14 = 0x4014141414141414;
#define FRAME_MSR_VSX (1ul << 23)
#define FRAME_MSR_TS_T (1ul << 34)

static void on_usr1(int signo, siginfo_t* info, void* context) {
  (void)signo, (void)info;
  ucontext_t* uc = context;
  mcontext_t* mc = &uc->uc_mcontext;
  memcpy(&uc->uc_sigmask, &FRAME_MASK, sizeof(FRAME_MASK));
  mc->gp_regs[3] = MARK_X0;
  mc->gp_regs[20] = MARK_X20;
  mc->gp_regs[PT_NIP] = MARK_PC;
  memcpy(&mc->fp_regs[14], &MARK_F14, sizeof(MARK_F14));
  if (probe_case == CASE_VSX_NULL) {
    mc->v_regs = NULL;
    mc->gp_regs[PT_MSR] |= FRAME_MSR_VSX;
  }
  if (probe_case == CASE_VREGS_KERNEL) mc->v_regs = (void*)0xc000000000000000ul;
  if (probe_case == CASE_TM) mc->gp_regs[PT_MSR] |= FRAME_MSR_TS_T;
}

static void write_vrsave(unsigned long vrsave) { __asm__ volatile("mtspr 256, %0" ::"r"(vrsave)); }

// rt_sigreturn with r1 = frame, r3 and r20 marked.
static void sigreturn_at(uintptr_t frame) {
  register uint64_t r0 __asm__("r0") = SYS_rt_sigreturn;
  register uint64_t r3 __asm__("r3") = MARK_X0;
  register uint64_t r20 __asm__("r20") = MARK_X20;
  __asm__ volatile(
      "mr 9, 1\n"
      "mr 1, %[frame]\n"
      "sc\n"
      ".globl srf_after_call\n"
      "srf_after_call:\n"
      "mr 1, 9\n"
      : "+r"(r3), "+r"(r0)
      : [frame] "r"(frame), "r"(r20)
      : "r9", "r4", "r5", "r6", "r7", "r8", "r10", "r11", "r12", "cr0", "ctr", "memory");
}
#endif

static const char* classify(uint64_t value, uint64_t marker) {
  static char buf[32];
  if (value == marker) return "marker";
  if (value < 0x10000) {
    snprintf(buf, sizeof buf, "%#lx", (unsigned long)value);
    return buf;
  }
  return "other";
}

static void report(const char* name) {
  char key[64];
  snprintf(key, sizeof key, "sigreturn_fail.%s.signal", name);
  obs(key, "%s %s", obs_signal_name(obs_seen_signo), obs_code_name(SIGSEGV, seen_code));
  snprintf(key, sizeof key, "sigreturn_fail.%s.si_addr", name);
  obs(key, "%s", seen_addr == 0 ? "0" : seen_addr == expected_addr ? "frame_sp" : "other");
  snprintf(key, sizeof key, "sigreturn_fail.%s.mask", name);
  obs(key, "%#lx", (unsigned long)seen_mask);
  snprintf(key, sizeof key, "sigreturn_fail.%s.pc", name);
  obs(key, "%s", seen_pc == (uintptr_t)srf_after_call ? "after_call" : classify(seen_pc, MARK_PC));
  snprintf(key, sizeof key, "sigreturn_fail.%s.x0", name);
  obs(key, "%s", classify(seen_x0, MARK_X0));
  snprintf(key, sizeof key, "sigreturn_fail.%s.x20", name);
  obs(key, "%s", classify(seen_x20, MARK_X20));
#if defined(__aarch64__)
  snprintf(key, sizeof key, "sigreturn_fail.%s.pstate_nzcv_daif_mode", name);
  obs(key, "%#lx", (unsigned long)(seen_pstate & 0xf00003cful));
#elif defined(__powerpc64__)
  snprintf(key, sizeof key, "sigreturn_fail.%s.f14", name);
  obs(key, "%s", classify(seen_f14, MARK_F14));
  snprintf(key, sizeof key, "sigreturn_fail.%s.vrsave", name);
  obs(key, "%#lx", (unsigned long)seen_vrsave);
#endif
}

static void reset(void) {
  obs_seen_signo = 0;
  seen_mask = seen_pc = seen_x0 = seen_x20 = seen_f14 = seen_vrsave = seen_pstate = 0;
  seen_addr = expected_addr = 0;
  seen_code = 0;
#if defined(__powerpc64__)
  write_vrsave(0x5a5a5a5a);
#endif
}

static void probe_unmapped(void) {
  void* page = mmap(NULL, obs_page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED || munmap(page, obs_page) != 0) {
    obs("sigreturn_fail.unmapped", "setup-failed");
    return;
  }
  reset();
  if (sigsetjmp(obs_recover, 1) == 0) {
    sigreturn_at((uintptr_t)page + 256);
    obs("sigreturn_fail.unmapped", "returned");
    return;
  }
  report("unmapped");
}

static void probe_handler(const char* name, int which) {
  reset();
  probe_case = which;
  if (sigsetjmp(obs_recover, 1) == 0) {
    kill(getpid(), SIGUSR1);
    char key[64];
    snprintf(key, sizeof key, "sigreturn_fail.%s", name);
    obs(key, "returned");
    return;
  }
  report(name);
}

int main(void) {
  obs_choose_base();
  static char altstack[65536] __attribute__((aligned(16)));
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
  obs_status("sigaltstack", sigaltstack(&ss, NULL));
  obs_status("sigaction.segv", obs_handle(SIGSEGV, on_segv, SRF_SA_ONSTACK, 0));
  obs_status("sigaction.usr1", obs_handle(SIGUSR1, on_usr1, 0, 0));
  probe_unmapped();
#if defined(__aarch64__)
  probe_handler("bad_record", CASE_BAD_RECORD);
  probe_handler("no_fpsimd", CASE_NO_FPSIMD);
  probe_handler("bad_pstate", CASE_BAD_PSTATE);
#elif defined(__powerpc64__)
  probe_handler("vsx_null", CASE_VSX_NULL);
  probe_handler("vregs_kernel", CASE_VREGS_KERNEL);
  probe_handler("tm", CASE_TM);
#endif
  return 0;
}
