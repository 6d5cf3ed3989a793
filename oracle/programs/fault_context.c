// The thread's last fault as arm64 signal frames show it (Linux 6.12 arch/arm64/kernel/signal.c
// setup_sigframe: uc_mcontext.fault_address and, while thread.fault_code is not 0, an
// esr_context record; arch/arm64/mm/fault.c set_thread_esr and arch/arm64/kernel/traps.c
// arm64_notify_die set them): for each kind of fault the fault's own frame and the frame of a
// SIGUSR1 sent right after it, before any fault: a fresh program's first signal, a write to a
// read-only page, a breakpoint (which records nothing), an undefined instruction (which records
// 0), a tagged pointer into a PROT_NONE page with and without SA_EXPOSE_TAGBITS (the record keeps
// the untagged address), a kernel address (the ESR reduced to a level 0 translation fault), a
// BTI fault, an unaligned exclusive load and a misaligned PC (SIGBUS BUS_ADRALN; the PC's records
// no address), a bad rt_sigreturn right after a fault that recorded an address (Linux's
// arm64_notify_segfault goes through arm64_notify_die, which clears the record), and MTE
// tag-check faults, synchronous and asynchronous (which records nothing).
// Addresses are printed relative to the access: "accessed" (as the program made it), "untagged"
// (its top byte cleared), "insn" (the faulting instruction), "0", or in the window. Elsewhere than
// arm64 it prints only fault_context.arch.
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "oracle/programs/obs_signal.h"

#if defined(__aarch64__)

#include <ucontext.h>

#define HWCAP2_BTI_BIT (1ul << 17)
#define HWCAP2_MTE_BIT (1ul << 18)
#define PROT_BTI_BIT 0x10
#define PROT_MTE_BIT 0x20
#define SA_EXPOSE_TAGBITS_BIT 0x800
#define SA_ONSTACK_BIT 0x08000000
#define SEGV_MTEAERR_CODE 8
#define KERNEL_ADDRESS 0xffff800000001000ul

// One faulting instruction each, the first of its function; the handler resumes after it.
__asm__(
    ".text\n"
    ".globl fc_store\nfc_store:\n\tstrb wzr, [x0]\n\tret\n"
    ".globl fc_load\nfc_load:\n\tldr x1, [x0]\n\tret\n"
    ".globl fc_exclusive\nfc_exclusive:\n\tldxr x1, [x0]\n\tret\n"
    ".globl fc_brk\nfc_brk:\n\tbrk #7\n\tret\n"
    ".globl fc_udf\nfc_udf:\n\t.inst 0x00000000\n\tret\n"
    // A branch to an address that is not a multiple of 4; the handler returns to x30, after
    // the branch.
    ".globl fc_pc_branch\nfc_pc_branch:\n\tmov x9, x30\n\tblr x0\n\tmov x30, x9\n\tret\n");
void fc_store(uintptr_t address);
void fc_load(uintptr_t address);
void fc_exclusive(uintptr_t address);
void fc_brk(void);
void fc_udf(void);
void fc_pc_branch(uintptr_t target);

// What a frame holds of the thread's last fault.
struct fault_view {
  uintptr_t fault_address;
  int has_esr;
  uint64_t esr;
};

static struct fault_view view_of(const ucontext_t* uc) {
  struct fault_view v = {uc->uc_mcontext.fault_address, 0, 0};
  const uint8_t* reserved = (const uint8_t*)uc->uc_mcontext.__reserved;
  const size_t area = sizeof uc->uc_mcontext.__reserved;
  for (size_t at = 0; at + 8 <= area;) {
    uint32_t head[2];
    memcpy(head, reserved + at, sizeof head);
    if (head[0] == 0 || head[1] < 8 || head[1] > area - at) break;
    if (head[0] == ESR_MAGIC && head[1] >= 16) {
      v.has_esr = 1;
      memcpy(&v.esr, reserved + at + 8, sizeof v.esr);
    }
    at += head[1];
  }
  return v;
}

static volatile int fault_signo, fault_code;
static volatile uintptr_t fault_si_addr;
static struct fault_view fault_frame, later_frame;
static volatile int later_seen;

static void on_fault(int signo, siginfo_t* info, void* context) {
  ucontext_t* uc = context;
  fault_signo = signo;
  fault_code = info->si_code;
  fault_si_addr = (uintptr_t)info->si_addr;
  fault_frame = view_of(uc);
  // A PC alignment fault goes back to the caller of the branch; an asynchronous tag-check fault
  // interrupts no instruction of its own; any other fault skips its instruction. The one after
  // it is no branch target: PSTATE.BTYPE (bits [11:10]) is cleared, or the BTI fault's BLR
  // would fault again at the next instruction of the guarded page.
  if (signo == SIGBUS && (uc->uc_mcontext.pc & 3) != 0) {
    uc->uc_mcontext.pc = uc->uc_mcontext.regs[30];
  } else if (!(signo == SIGSEGV && info->si_code == SEGV_MTEAERR_CODE)) {
    uc->uc_mcontext.pc += 4;
    uc->uc_mcontext.pstate &= ~0xc00ul;
  }
}

static void on_later(int signo, siginfo_t* info, void* context) {
  (void)signo;
  (void)info;
  later_frame = view_of(context);
  later_seen = 1;
}

static const char* where(uintptr_t value, uintptr_t accessed, uintptr_t insn, char* buf,
                         size_t size) {
  if (value == 0) return "0";
  if (value == accessed) return "accessed";
  if (value == (accessed & ~(0xfful << 56))) return "untagged";
  if (value == insn) return "insn";
  if (obs_in_window(value)) return obs_rel(value, buf, size);
  return "other";
}

static void esr_text(const struct fault_view* v, char* buf, size_t size) {
  if (v->has_esr) {
    snprintf(buf, size, "0x%llx", (unsigned long long)v->esr);
  } else {
    snprintf(buf, size, "none");
  }
}

// A SIGUSR1 to self now: the frame it gets, under "<key>.later".
static void later(const char* key, uintptr_t accessed, uintptr_t insn) {
  later_seen = 0;
  const int sent = kill(getpid(), SIGUSR1);
  char k[64], a[48], e[32];
  snprintf(k, sizeof k, "%s.later", key);
  if (sent != 0 || !later_seen) {
    obs(k, "not_delivered");
    return;
  }
  esr_text(&later_frame, e, sizeof e);
  obs(k, "fault_address %s esr %s", where(later_frame.fault_address, accessed, insn, a, sizeof a),
      e);
}

// What the fault's handler saw, under "<key>.fault", then the later signal's frame.
static void report(const char* key, uintptr_t accessed, uintptr_t insn) {
  char k[64], a[48], f[48], e[32];
  snprintf(k, sizeof k, "%s.fault", key);
  if (fault_signo == 0) {
    obs(k, "no_signal");
  } else {
    esr_text(&fault_frame, e, sizeof e);
    obs(k, "signo %d code %d si_addr %s fault_address %s esr %s", fault_signo, fault_code,
        where(fault_si_addr, accessed, insn, a, sizeof a),
        where(fault_frame.fault_address, accessed, insn, f, sizeof f), e);
  }
  later(key, accessed, insn);
  fault_signo = 0;
}

static void handle_faults(unsigned long flags) {
  const int signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGTRAP};
  for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
    if (obs_handle(signals[i], on_fault, flags, 0) != 0) obs("sigaction.fault", "error");
  }
}

static uintptr_t tagged(uintptr_t address, unsigned tag) {
  return (address & ~(0xfful << 56)) | ((uintptr_t)tag << 56);
}

static void bti_fault(void) {
  if ((getauxval(AT_HWCAP2) & HWCAP2_BTI_BIT) == 0) {
    obs("bti.available", "no");
    return;
  }
  // A guarded page whose first instruction is no landing pad: BLR to it faults there.
  uint32_t* page = obs_mmap("mmap.guarded", at_page(10), obs_page, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE);
  if (page == NULL) return;
  page[0] = 0xd503201f;  // NOP
  page[1] = 0xd65f03c0;  // RET
  __builtin___clear_cache((char*)page, (char*)(page + 2));
  obs_status("mprotect.guarded", mprotect(page, obs_page, PROT_READ | PROT_EXEC | PROT_BTI_BIT));
  __asm__ volatile("blr %0" : : "r"(page) : "x0", "x1", "x16", "x17", "x30", "memory", "cc");
  report("bti", 0, (uintptr_t)page);
}

// A bad rt_sigreturn, its frame on an unmapped page, after a fault that records an address. Every
// register of an unreadable frame reads as 0, sp included, so the SIGSEGV handler runs on the
// alternate stack and leaves by siglongjmp.
static sigjmp_buf bad_return_recover;

static void on_bad_return(int signo, siginfo_t* info, void* context) {
  fault_signo = signo;
  fault_code = info->si_code;
  fault_si_addr = (uintptr_t)info->si_addr;
  fault_frame = view_of(context);
  siglongjmp(bad_return_recover, 1);
}

static void bad_sigreturn(uintptr_t readonly) {
  static char altstack[65536] __attribute__((aligned(16)));
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
  obs_status("sigaltstack.bad_sigreturn", sigaltstack(&ss, NULL));
  char* gone = obs_mmap("mmap.gone", at_page(14), obs_page, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE);
  if (gone == NULL) return;
  obs_status("munmap.gone", munmap(gone, obs_page));
  const uintptr_t frame = (uintptr_t)gone + 0x100;
  fc_store(readonly);
  fault_signo = 0;
  obs_status("sigaction.bad_sigreturn", obs_handle(SIGSEGV, on_bad_return, SA_ONSTACK_BIT, 0));
  if (sigsetjmp(bad_return_recover, 1) == 0) {
    register uint64_t x8 __asm__("x8") = SYS_rt_sigreturn;
    __asm__ volatile("mov sp, %0\n\tsvc #0" : : "r"(frame), "r"(x8) : "memory");
    __builtin_unreachable();
  }
  report("bad_sigreturn", frame, 0);
  handle_faults(0);
}

static long set_ctrl(unsigned long value) { return prctl(PR_SET_TAGGED_ADDR_CTRL, value, 0, 0, 0); }

static void mte_faults(void) {
  if ((getauxval(AT_HWCAP2) & HWCAP2_MTE_BIT) == 0) {
    obs("mte.available", "no");
    return;
  }
  // Every tag but 0 may be generated; checks synchronous first.
  const unsigned long tags = 0xfffeul << PR_MTE_TAG_SHIFT;
  obs_status("prctl.mte_sync", (int)set_ctrl(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | tags));
  char* page = obs_mmap("mmap.mte", at_page(12), obs_page, PROT_READ | PROT_WRITE | PROT_MTE_BIT,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE);
  if (page == NULL) return;
  // The granules' tags are 0: a pointer with tag 3 mismatches.
  const uintptr_t bad = tagged((uintptr_t)page + 0x40, 3);
  fc_store(bad);
  report("mte_sync", bad, (uintptr_t)fc_store);
  // An asynchronous fault is noticed at the next entry to the kernel (the kill): SEGV_MTEAERR,
  // with nothing recorded, before the SIGUSR1.
  obs_status("prctl.mte_async", (int)set_ctrl(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_ASYNC | tags));
  const uintptr_t bad_async = tagged((uintptr_t)page + 0x80, 5);
  fc_store(bad_async);
  later("mte_async", bad_async, (uintptr_t)fc_store);
  char a[48], f[48], e[32];
  esr_text(&fault_frame, e, sizeof e);
  obs("mte_async.fault", "signo %d code %d si_addr %s fault_address %s esr %s", fault_signo,
      fault_code, where(fault_si_addr, bad_async, 0, a, sizeof a),
      where(fault_frame.fault_address, bad_async, 0, f, sizeof f), e);
  fault_signo = 0;
  obs_status("prctl.mte_off", (int)set_ctrl(0));
}

int main(void) {
  obs_choose_base();
  obs("fault_context.arch", "arm64");
  obs_status("sigaction.later", obs_handle(SIGUSR1, on_later, 0, 0));
  handle_faults(0);
  // A fresh program has recorded no fault.
  later("first", 0, 0);

  // A read-only page, read first (the zero page is mapped read-only), then written.
  const int fixed = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;
  char* ro = obs_mmap("mmap.readonly", at_page(2), obs_page, PROT_READ, fixed);
  if (ro == NULL) return 1;
  fc_load((uintptr_t)ro + 0x30);
  fc_store((uintptr_t)ro + 0x30);
  report("write_readonly", (uintptr_t)ro + 0x30, (uintptr_t)fc_store);

  fc_brk();
  report("brk", (uintptr_t)ro + 0x30, (uintptr_t)fc_brk);
  fc_udf();
  report("udf", 0, (uintptr_t)fc_udf);

  // A page touched, then made PROT_NONE, read through a tagged pointer.
  char* none = obs_mmap("mmap.none", at_page(4), obs_page, PROT_READ | PROT_WRITE, fixed);
  if (none == NULL) return 1;
  none[0] = 1;
  obs_status("mprotect.none", mprotect(none, obs_page, PROT_NONE));
  const uintptr_t tagged_none = tagged((uintptr_t)none + 0x58, 0x5a);
  fc_load(tagged_none);
  report("tagged_none", tagged_none, (uintptr_t)fc_load);
  handle_faults(SA_EXPOSE_TAGBITS_BIT);
  fc_load(tagged_none);
  report("tagged_none_expose", tagged_none, (uintptr_t)fc_load);
  handle_faults(0);

  bti_fault();

  fc_store(KERNEL_ADDRESS);
  report("kernel_address", KERNEL_ADDRESS, (uintptr_t)fc_store);

  // An exclusive load across a 16-byte boundary (FEAT_LSE2 lets one inside pass), then, after a
  // fault that records an address, a branch to a PC that is not a multiple of 4.
  char* rw = obs_mmap("mmap.rw", at_page(6), obs_page, PROT_READ | PROT_WRITE, fixed);
  if (rw == NULL) return 1;
  rw[0] = 1;
  fc_exclusive((uintptr_t)rw + 0x6d);
  report("unaligned_exclusive", (uintptr_t)rw + 0x6d, (uintptr_t)fc_exclusive);
  fc_store(KERNEL_ADDRESS);
  fault_signo = 0;
  fc_pc_branch((uintptr_t)fc_udf + 2);
  report("pc_alignment", (uintptr_t)fc_udf + 2, (uintptr_t)fc_udf + 2);

  bad_sigreturn((uintptr_t)ro + 0x30);

  mte_faults();
  return 0;
}

#else

int main(void) {
  obs("fault_context.arch", "other");
  return 0;
}

#endif
