// The restartable-sequence programs that die (core_rseq_*.c): each registers its own rseq area,
// hands the kernel something kernel/rseq.c must refuse at a return to user mode and dies of the
// SIGSEGV (SI_KERNEL) that __rseq_handle_notify_resume forces, leaving a core that
// oracle/core-compare compares with Linux's; the lines printed before it are compared as usual.
//
// Their window is at a fixed address, not at a randomised one as the other programs' are: a
// SIGSEGV the kernel forces has no address, and core-compare compares NT_SIGINFO's si_addr (0
// here) relative to the window's base. The window is core_segv's: pages 0 and 1 written with
// known bytes (core_window.h), page 2 untouched, then what the program asks for at page 3. Like
// core_segv it first runs one VSX instruction on powerpc, so that both powerpc builds' cores
// carry NT_PPC_VMX and NT_PPC_VSX.
#pragma once

#include <sys/rseq.h>
#include <time.h>

#include "oracle/programs/core_window.h"
#include "oracle/programs/obs_signal.h"
#include "user/lib/rseq_section.h"

// Far from every mapping either kernel places by itself, and below both arches' TASK_SIZE.
#define RSEQ_FATAL_BASE 0x200000000000ul

// The area the program registers after glibc's is unregistered.
static struct rseq_area g_rseq_fatal_area;

// rseq(2) with its four arguments by the arch's plain system call instruction (glibc's syscall()
// may take scv on powerpc64le, and only there), so that both powerpc builds stop at the same kind
// of system call.
static inline long rseq_fatal_rseq(const void* area, uint32_t length, int flags, uint32_t sig) {
#if defined(__aarch64__)
  register long x8 __asm__("x8") = SYS_rseq;
  register long x0 __asm__("x0") = (long)area;
  register long x1 __asm__("x1") = length;
  register long x2 __asm__("x2") = flags;
  register long x3 __asm__("x3") = sig;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
  return x0;
#else
  register long r0 __asm__("r0") = SYS_rseq;
  register long r3 __asm__("r3") = (long)area;
  register long r4 __asm__("r4") = length;
  register long r5 __asm__("r5") = flags;
  register long r6 __asm__("r6") = sig;
  __asm__ volatile(
      "sc\n"
      "bns+ 1f\n"
      "neg %1, %1\n"
      "1:\n"
      : "+r"(r0), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6)
      :
      : "r7", "r8", "r9", "r10", "r11", "r12", "cr0", "ctr", "xer", "memory");
  return r3;
#endif
}

// "ok" or "error -<errno>" for a raw rseq call.
static inline void rseq_fatal_obs(const char* key, long ret) {
  if (ret == 0) {
    obs(key, "ok");
  } else {
    obs(key, "error %s", errno_name((int)-ret));
  }
}

// glibc's own registration, at the thread pointer's __rseq_offset.
static inline void* rseq_fatal_glibc_area(void) {
  char* tp;
#if defined(__aarch64__)
  __asm__("mrs %0, tpidr_el0" : "=r"(tp));
#else
  __asm__("mr %0, 13" : "=r"(tp));
#endif
  return tp + __rseq_offset;
}

// The window, filled, with glibc's area unregistered: what every core_rseq program does first.
static inline void rseq_fatal_window(void) {
#if defined(__powerpc64__)
  __asm__ volatile(".machine push\n.machine power7\nxxlor 0, 0, 0\n.machine pop");
#endif
  obs_page = (size_t)getauxval(AT_PAGESZ);
  obs_base = RSEQ_FATAL_BASE;
  if (obs_mmap("core.window", at_page(0), 3 * obs_page, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE) == NULL) {
    _exit(122);
  }
  core_window_fill(at_page(0), obs_page, 2);
  obs("core.filled", "2 pages");
  obs("glibc.rseq_size", "%u", __rseq_size);
  rseq_fatal_obs("rseq.unregister_glibc", rseq_fatal_rseq(rseq_fatal_glibc_area(), __rseq_size,
                                                          RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
}

// The window, then the program's own area registered with the sections' signature.
static inline void rseq_fatal_start(void) {
  rseq_fatal_window();
  rseq_fatal_obs("rseq.register", rseq_fatal_rseq(&g_rseq_fatal_area, sizeof g_rseq_fatal_area, 0,
                                                  RSEQ_SECTION_SIG));
}

// The syscall section's descriptor, as rseq_section_syscall's labels give it.
static inline struct rseq_cs_desc rseq_fatal_syscall_cs(void) {
  return rseq_section_cs(rseq_syscall_start, rseq_syscall_post_commit, rseq_syscall_abort);
}

// Sleeps inside the syscall section with rseq_cs = `cs`: the switch away while it sleeps makes
// the kernel look at the descriptor on the way back (rseq_preempt). Returns only if the kernel
// let the program go on.
static inline void rseq_fatal_sleep_inside(const struct rseq_cs_desc* cs) {
  static const struct timespec pause = {0, 1000000};
  const long aborted =
      rseq_section_syscall(&g_rseq_fatal_area.rseq_cs, cs, SYS_nanosleep, (long)&pause, 0, 0);
  obs("rseq.after_sleep", "still running, aborted %ld", aborted);
  _exit(1);
}

// A program that dies right after a handler's frame was set up (at the same return to user
// mode) has in its core the pc the frame gives: arm64 the handler itself; powerpc the trampoline
// that calls it (signal_64.c handle_rt_signal64), which is in [vdso], at a randomised address and
// in each kernel's own image: oracle/core-compare compares it as vdso:<symbol>+off.
// rseq_fatal_frames_at_fixed_address() gives the handlers an alternate stack at a fixed address
// (SA_ONSTACK), which puts the stack pointer at the same address on both kernels. The stack is
// outside the window, whose bytes are compared: a frame holds randomised pointers.
#define ALT_STACK (RSEQ_FATAL_BASE + 0x10000000ul)
#define ALT_STACK_SIZE 0x10000ul

static inline void rseq_fatal_frames_at_fixed_address(void) {
  void* alt = mmap((void*)ALT_STACK, ALT_STACK_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  obs("altstack.mmap", "%s", alt == (void*)ALT_STACK ? "ok" : "failed");
  const stack_t ss = {.ss_sp = alt, .ss_flags = 0, .ss_size = ALT_STACK_SIZE};
  obs_status("altstack.set", sigaltstack(&ss, NULL));
}
