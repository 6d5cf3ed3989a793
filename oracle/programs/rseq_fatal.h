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
#include "oracle/programs/rseq_glibc_area.h"
#include "user/lib/rseq_section.h"

// Far from every mapping either kernel places by itself, and below both arches' TASK_SIZE.
#define RSEQ_FATAL_BASE 0x200000000000ul

// The page of the window whose one store is the program's last page fault before the fatal
// point, so that powerpc's DAR (the address of the last fault, which stays in the saved registers)
// is the same on both kernels: Linux maps a file fault's cached neighbours too (mm/memory.c
// do_fault_around) where Maplet takes one fault per page, so which file pages fault on the way
// there is each kernel's own. Apart from the window's pages 0-3, so that it merges with none.
#define RSEQ_FATAL_LAST_FAULT_PAGE 5

// The area the program registers after glibc's is unregistered.
static struct rseq_area g_rseq_fatal_area;

// The registers a fatal return leaves in the core are made a function of the program alone, never
// what glibc's start-up, stdio or the kernel's earlier answers (pids, addresses printed) left in
// them: each asm that can die pins its operands to fixed registers, takes the other low ones as
// zero-valued operands and zeroes the rest here, with the flags (arm64's NZCV, powerpc's CR, XER
// and CTR). They are declared clobbered, so the compiler saves the callee-saved ones; only the
// stack pointer, the frame pointer, the link register and on powerpc the TOC and thread pointers
// keep their values, which are the binary's.
#if defined(__aarch64__)
#define RSEQ_FATAL_ZERO_REGS                                                             \
  "mov x13, xzr\nmov x14, xzr\nmov x15, xzr\nmov x16, xzr\nmov x17, xzr\nmov x18, xzr\n" \
  "mov x19, xzr\nmov x20, xzr\nmov x21, xzr\nmov x22, xzr\nmov x23, xzr\nmov x24, xzr\n" \
  "mov x25, xzr\nmov x26, xzr\nmov x27, xzr\nmov x28, xzr\nmsr nzcv, xzr\n"
#define RSEQ_FATAL_ZEROED                                                                    \
  "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23", "x24", "x25", \
      "x26", "x27", "x28", "cc"
#else
#define RSEQ_FATAL_ZERO_REGS                                                                   \
  "li 10, 0\nli 11, 0\nli 12, 0\nli 14, 0\nli 15, 0\nli 16, 0\nli 17, 0\nli 18, 0\nli 19, 0\n" \
  "li 20, 0\nli 21, 0\nli 22, 0\nli 23, 0\nli 24, 0\nli 25, 0\nli 26, 0\nli 27, 0\nli 28, 0\n" \
  "li 29, 0\nli 30, 0\nli 31, 0\nmtctr 10\nmtxer 10\nmtcrf 0xff, 10\n"
#define RSEQ_FATAL_ZEROED                                                                        \
  "r10", "r11", "r12", "r14", "r15", "r16", "r17", "r18", "r19", "r20", "r21", "r22", "r23",     \
      "r24", "r25", "r26", "r27", "r28", "r29", "r30", "r31", "cr0", "cr1", "cr2", "cr3", "cr4", \
      "cr5", "cr6", "cr7", "ctr", "xer"
#endif

// One byte for the stores of the rseq calls that are not the last fault (rseq_fatal_rseq).
static volatile uint8_t g_rseq_fatal_scratch;

// rseq(2) with its four arguments by the arch's plain system call instruction (glibc's syscall()
// may take scv on powerpc64le, and only there), so that both powerpc builds stop at the same kind
// of system call; the other registers zeroed (core_rseq_ro dies at its return), and a zero byte
// stored at `store` right before the system call instruction, in the same 8 bytes of code (no
// fault can come between them): the last-fault page for the call a program dies at, else
// &g_rseq_fatal_scratch.
static inline long rseq_fatal_rseq(const void* area, uint32_t length, int flags, uint32_t sig,
                                   volatile uint8_t* store) {
#if defined(__aarch64__)
  register long x8 __asm__("x8") = SYS_rseq;
  register long x0 __asm__("x0") = (long)area;
  register long x1 __asm__("x1") = length;
  register long x2 __asm__("x2") = flags;
  register long x3 __asm__("x3") = sig;
  register volatile uint8_t* x4 __asm__("x4") = store;
  register long x5 __asm__("x5") = 0, x6 __asm__("x6") = 0, x7 __asm__("x7") = 0;
  register long x9 __asm__("x9") = 0, x10 __asm__("x10") = 0, x11 __asm__("x11") = 0;
  register long x12 __asm__("x12") = 0;
  __asm__ volatile(RSEQ_FATAL_ZERO_REGS ".balign 8\nstrb wzr, [x4]\nsvc #0\n"
                   : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x6), "+r"(x7),
                     "+r"(x9), "+r"(x10), "+r"(x11), "+r"(x12)
                   : "r"(x8)
                   : RSEQ_FATAL_ZEROED, "memory");
  return x0;
#else
  register long r0 __asm__("r0") = SYS_rseq;
  register long r3 __asm__("r3") = (long)area;
  register long r4 __asm__("r4") = length;
  register long r5 __asm__("r5") = flags;
  register long r6 __asm__("r6") = sig;
  register volatile uint8_t* r7 __asm__("r7") = store;
  register long r8 __asm__("r8") = 0, r9 __asm__("r9") = 0;
  __asm__ volatile(RSEQ_FATAL_ZERO_REGS
                   ".balign 8\nstb 8, 0(7)\nsc\n"
                   "bns+ 1f\n"
                   "neg %1, %1\n"
                   "1:\n"
                   : "+r"(r0), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7), "+r"(r8), "+r"(r9)
                   :
                   : RSEQ_FATAL_ZEROED, "memory");
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

// The window, filled, with glibc's area unregistered: what every core_rseq program does first.
static inline void rseq_fatal_window(void) {
  core_window_open(RSEQ_FATAL_BASE);
  obs("core.filled", "2 pages");
  if (obs_mmap("core.last_fault_page", at_page(RSEQ_FATAL_LAST_FAULT_PAGE), obs_page,
               PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE) == NULL) {
    _exit(122);
  }
  obs("glibc.rseq_size", "%u", __rseq_size);
  rseq_fatal_obs("rseq.unregister_glibc",
                 rseq_fatal_rseq(rseq_glibc_area(), __rseq_size, RSEQ_FLAG_UNREGISTER, RSEQ_SIG,
                                 &g_rseq_fatal_scratch));
}

// The window, then the program's own area registered with the sections' signature.
static inline void rseq_fatal_start(void) {
  rseq_fatal_window();
  rseq_fatal_obs("rseq.register", rseq_fatal_rseq(&g_rseq_fatal_area, sizeof g_rseq_fatal_area, 0,
                                                  RSEQ_SECTION_SIG, &g_rseq_fatal_scratch));
}

// The critical section the programs die in: rseq_section_syscall's, with its registers made the
// program's alone (RSEQ_FATAL_ZERO_REGS) and, before the descriptor is stored, one store to the
// last-fault page. Its labels are rseq_dying_start, rseq_dying_post_commit and rseq_dying_abort.
extern const char rseq_dying_start[], rseq_dying_post_commit[], rseq_dying_abort[];

RSEQ_SECTION_FUNCTION long rseq_fatal_section(uint64_t* field, const struct rseq_cs_desc* cs,
                                              long number, long a0, long a1,
                                              volatile uint8_t* last_fault) {
#if defined(__aarch64__)
  register long x8 __asm__("x8") = number;
  register long x0 __asm__("x0") = a0;
  register long x1 __asm__("x1") = a1;
  register long x2 __asm__("x2") = 0, x3 __asm__("x3") = 0, x4 __asm__("x4") = 0;
  register long x5 __asm__("x5") = 0, x6 __asm__("x6") = 0, x7 __asm__("x7") = 0;
  register const struct rseq_cs_desc* x9 __asm__("x9") = cs;
  register uint64_t* x10 __asm__("x10") = field;
  register volatile uint8_t* x11 __asm__("x11") = last_fault;
  register long x12 __asm__("x12");
  __asm__ volatile(
      "mov %[aborted], xzr\n" RSEQ_FATAL_ZERO_REGS
      "strb wzr, [%[last]]\n"
      "mov %[last], xzr\n" RSEQ_SECTION_ASM("dying", RSEQ_ASM_SYSCALL, RSEQ_ASM_SET_ABORTED(0))
      : [aborted] "=&r"(x12), [last] "+r"(x11), "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4),
        "+r"(x5), "+r"(x6), "+r"(x7)
      : [cs] "r"(x9), [field] "r"(x10), "r"(x8)
      : RSEQ_FATAL_ZEROED, "memory");
  return x12;
#else
  register long r0 __asm__("r0") = number;
  register long r3 __asm__("r3") = a0;
  register long r4 __asm__("r4") = a1;
  register long r5 __asm__("r5") = 0;
  register const struct rseq_cs_desc* r6 __asm__("r6") = cs;
  register uint64_t* r7 __asm__("r7") = field;
  register volatile uint8_t* r8 __asm__("r8") = last_fault;
  register long r9 __asm__("r9");
  __asm__ volatile(
      "li %[aborted], 0\n" RSEQ_FATAL_ZERO_REGS
      "stb %[aborted], 0(%[last])\n"
      "li %[last], 0\n" RSEQ_SECTION_ASM("dying", RSEQ_ASM_SYSCALL, RSEQ_ASM_SET_ABORTED(0))
      : [aborted] "=&b"(r9), [last] "+b"(r8), "+r"(r0), "+r"(r3), "+r"(r4), "+r"(r5)
      : [cs] "r"(r6), [field] "b"(r7)
      : RSEQ_FATAL_ZEROED, "memory");
  return r9;
#endif
}

// The dying section's descriptor, as its labels give it. The programs keep theirs in a static
// (the binary's bss): a register pointing at it is then described the same by both kernels' cores,
// where a pointer into the stack is not once a handler's frame moved the stack pointer to the
// alternate stack (core-compare then takes the stack for an anonymous mapping of its own size).
static inline struct rseq_cs_desc rseq_fatal_syscall_cs(void) {
  return rseq_section_cs(rseq_dying_start, rseq_dying_post_commit, rseq_dying_abort);
}

// Reads a byte of each page of the dying section's code (with the function's prologue before
// it), so that no fault on its text comes after the last-fault store.
static inline void rseq_fatal_touch_section(void) {
  const uintptr_t page = obs_page;
  const uintptr_t from = ((uintptr_t)rseq_dying_start - 256) & ~(page - 1);
  const uintptr_t to = (uintptr_t)rseq_dying_abort + 16;
  for (uintptr_t at = from; at < to; at += page) (void)*(volatile const char*)at;
  (void)*(volatile const char*)(to - 1);
}

// Makes system call `number` inside the dying section with rseq_cs = `cs`, the last fault's store
// first; the value is rseq_fatal_section's (0 committed, 1 aborted) when the kernel let it go on.
static inline long rseq_fatal_call_inside(const struct rseq_cs_desc* cs, long number, long a0,
                                          long a1) {
  rseq_fatal_touch_section();
  return rseq_fatal_section(&g_rseq_fatal_area.rseq_cs, cs, number, a0, a1,
                            (volatile uint8_t*)at_page(RSEQ_FATAL_LAST_FAULT_PAGE));
}

// Sleeps inside the dying section with rseq_cs = `cs`: the switch away while it sleeps makes
// the kernel look at the descriptor on the way back (rseq_preempt). A sleep that never switched
// away (its timer expired before it could, a stalled host) commits: rseq_cs is cleared and the
// sleep made again, from the same registers. Returns only if the kernel let the program go on.
static inline void rseq_fatal_sleep_inside(const struct rseq_cs_desc* cs) {
  static const struct timespec pause = {0, 10000000};
  long aborted = 0;
  int sleeps = 0;
  while (sleeps < 20) {
    sleeps++;
    aborted = rseq_fatal_call_inside(cs, SYS_nanosleep, (long)&pause, 0);
    g_rseq_fatal_area.rseq_cs = 0;
    if (aborted != 0) break;
  }
  obs("rseq.after_sleep", "still running, aborted %ld after %d sleeps", aborted, sleeps);
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
