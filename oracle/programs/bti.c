// arm64 Branch Target Identification as a program sees it (Linux 6.12
// arch/arm64/include/asm/mman.h, arch/arm64/kernel/{signal,traps}.c): AT_HWCAP2's HWCAP2_BTI,
// PROT_BTI through mmap and mprotect (its errors, VM_ARM64_BTI keeping otherwise equal
// neighbours apart in /proc/self/maps and cleared by an mprotect without it), and what the guarded
// pages do: indirect branches of each PSTATE.BTYPE (BLR, BR from an unguarded and from a guarded
// page, through x16 and another register) onto each landing pad (BTI C, J, PACIASP, none), the
// fault being SIGILL with si_addr the target; a signal handler entered as through BLR; BTYPE
// kept by rt_sigreturn. This program has no GNU property note, so its own text is not guarded;
// nor is the vDSO (Debian's 6.12 has no CONFIG_ARM64_BTI_KERNEL). bti_elf checks an executable
// with the note. Elsewhere than arm64, and without HWCAP2_BTI, it prints only bti.available.
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>

#include "oracle/programs/obs_signal.h"

#if defined(__aarch64__)

#include <ucontext.h>

#define PROT_BTI_BIT 0x10
#define HWCAP2_BTI_BIT (1ul << 17)
// PSTATE.BTYPE, SPSR bits [11:10]; 0b10 is what BLR sets (Arm ARM, "PSTATE.BTYPE").
#define BTYPE_MASK 0xc00ul
#define BTYPE_CALL 0x800ul

// The instructions the code pages are made of (A64 encodings).
enum {
  NOP = 0xd503201f,
  BTI_C = 0xd503245f,
  BTI_J = 0xd503249f,
  PACIASP = 0xd503233f,
  AUTIASP = 0xd50323bf,
  RET = 0xd65f03c0,
  BR_X9 = 0xd61f0120,
  BR_X16 = 0xd61f0200,
  MOV_X16_X9 = 0xaa0903f0,
  UDF = 0x00000000,
};
static uint32_t mov_x0(unsigned value) { return 0xd2800000u | (value << 5); }

// A function without a landing pad in this program's own (unguarded) text.
__asm__(
    ".text\n"
    ".globl bti_plain\n.type bti_plain, %function\nbti_plain:\n\tmov x0, #5\n\tret\n");
long bti_plain(void);

// The window's pages, one code sequence each.
enum { PAGE_NONE, PAGE_C, PAGE_J, PAGE_PAC, PAGE_HOP9, PAGE_HOP16, PAGE_UDF, PAGE_PLAIN };

// Writes `count` instructions at the start of window page `n`, then gives it `prot`.
static void code_page(const char* key, size_t n, const uint32_t* code, size_t count, int prot) {
  uint32_t* p = obs_mmap(key, at_page(n), obs_page, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
  if (p == NULL) return;
  for (size_t i = 0; i < count; i++) p[i] = code[i];
  __builtin___clear_cache((char*)p, (char*)(p + count));
  char name[64];
  snprintf(name, sizeof name, "%s.mprotect", key);
  obs_status(name, mprotect(p, obs_page, prot));
}

// How a branch to page `n` went: "returned <x0>" or the signal with si_addr in the window.
static void report(const char* key, int faulted, long x0) {
  char buf[48];
  if (!faulted) {
    obs(key, "returned %ld", x0);
  } else {
    obs(key, "%s %s si_addr %s", obs_signal_name(obs_seen_signo),
        obs_code_name(obs_seen_signo, obs_seen_code), obs_rel(obs_seen_addr, buf, sizeof buf));
  }
}

// BLR to `target` (PSTATE.BTYPE 0b10), x9 holding `next` for the hop pages.
static void call(const char* key, uintptr_t target, uintptr_t next) {
  obs_seen_signo = 0;
  if (sigsetjmp(obs_recover, 1) == 0) {
    register uintptr_t x9 __asm__("x9") = next;
    register long x0 __asm__("x0");
    __asm__ volatile("blr %1"
                     : "=r"(x0)
                     : "r"(target), "r"(x9)
                     : "x1", "x2", "x16", "x17", "x30", "memory", "cc");
    report(key, 0, x0);
    return;
  }
  report(key, 1, 0);
}

// BR to `target` through x16 or, with `other`, x10, from this unguarded text: BTYPE 0b01 either
// way. The page's RET returns to the label after the branch.
static void jump(const char* key, uintptr_t target, int other) {
  obs_seen_signo = 0;
  if (sigsetjmp(obs_recover, 1) == 0) {
    register uintptr_t x16 __asm__("x16") = target;
    register long x0 __asm__("x0");
    if (other) {
      __asm__ volatile("mov x10, %1\n\tadr x30, 1f\n\tbr x10\n1:"
                       : "=r"(x0)
                       : "r"(x16)
                       : "x10", "x30", "memory", "cc");
    } else {
      __asm__ volatile("adr x30, 1f\n\tbr %1\n1:" : "=r"(x0) : "r"(x16) : "x30", "memory", "cc");
    }
    report(key, 0, x0);
    return;
  }
  report(key, 1, 0);
}

static void check_prot_bti(void) {
  const int rx = PROT_READ | PROT_EXEC;
  // Two anonymous neighbours alike but for PROT_BTI stay apart; adding it merges them.
  obs_mmap("mmap.rx_bti", at_page(20), obs_page, rx | PROT_BTI_BIT,
           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
  obs_mmap("mmap.rx", at_page(21), obs_page, rx, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
  obs_maps("maps.apart");
  obs_status("mprotect.add_bti", mprotect((void*)at_page(21), obs_page, rx | PROT_BTI_BIT));
  obs_maps("maps.merged");
  // mprotect without PROT_BTI clears it (VM_ARCH_CLEAR): the middle page splits off.
  obs_status("mprotect.drop_bti", mprotect((void*)at_page(20), obs_page, rx));
  obs_maps("maps.dropped");
  // PROT_BTI alone and with read/write only is accepted; an unknown bit beside it is not.
  obs_status("mprotect.bti_only", mprotect((void*)at_page(20), obs_page, PROT_BTI_BIT));
  obs_status("mprotect.rw_bti",
             mprotect((void*)at_page(21), obs_page, PROT_READ | PROT_WRITE | PROT_BTI_BIT));
  obs_status("mprotect.bti_unknown",
             mprotect((void*)at_page(21), obs_page, rx | PROT_BTI_BIT | 0x40));
  obs_maps("maps.after");
  munmap((void*)at_page(20), 2 * obs_page);
}

static void check_branches(void) {
  const int guarded = PROT_READ | PROT_EXEC | PROT_BTI_BIT;
  const uint32_t none[] = {NOP, mov_x0(1), RET};
  const uint32_t c[] = {BTI_C, mov_x0(2), RET};
  const uint32_t j[] = {BTI_J, mov_x0(3), RET};
  const uint32_t pac[] = {PACIASP, AUTIASP, mov_x0(4), RET};
  const uint32_t hop9[] = {BTI_C, BR_X9};
  const uint32_t hop16[] = {BTI_C, MOV_X16_X9, BR_X16};
  code_page("page.none", PAGE_NONE, none, 3, guarded);
  code_page("page.c", PAGE_C, c, 3, guarded);
  code_page("page.j", PAGE_J, j, 3, guarded);
  code_page("page.pac", PAGE_PAC, pac, 4, guarded);
  code_page("page.hop9", PAGE_HOP9, hop9, 2, guarded);
  code_page("page.hop16", PAGE_HOP16, hop16, 3, guarded);
  obs_maps("maps.code");
  // BLR: BTYPE 0b10, which BTI C and PACIASP accept.
  call("blr.none", at_page(PAGE_NONE), 0);
  call("blr.c", at_page(PAGE_C), 0);
  call("blr.j", at_page(PAGE_J), 0);
  call("blr.pac", at_page(PAGE_PAC), 0);
  // BR from unguarded text: BTYPE 0b01, which every BTI but a plain one accepts.
  jump("br_x16.none", at_page(PAGE_NONE), 0);
  jump("br_x16.c", at_page(PAGE_C), 0);
  jump("br_x16.j", at_page(PAGE_J), 0);
  jump("br_x10.c", at_page(PAGE_C), 1);
  jump("br_x10.pac", at_page(PAGE_PAC), 1);
  // BR x9 from a guarded page: BTYPE 0b11, which BTI C refuses, and PACIASP too once
  // SCTLR_EL1.BT0 is set; through x16 it stays 0b01.
  call("hop_x9.c", at_page(PAGE_HOP9), at_page(PAGE_C));
  call("hop_x9.j", at_page(PAGE_HOP9), at_page(PAGE_J));
  call("hop_x9.pac", at_page(PAGE_HOP9), at_page(PAGE_PAC));
  call("hop_x16.c", at_page(PAGE_HOP16), at_page(PAGE_C));
  call("hop_x16.pac", at_page(PAGE_HOP16), at_page(PAGE_PAC));
  // Unguarded again after an mprotect without PROT_BTI.
  obs_status("page.none.unguard",
             mprotect((void*)at_page(PAGE_NONE), obs_page, PROT_READ | PROT_EXEC));
  call("blr.none_unguarded", at_page(PAGE_NONE), 0);
  // This program's own text has no landing pad at bti_plain and is not guarded.
  long (*volatile plain)(void) = bti_plain;
  call("blr.own_text", (uintptr_t)plain, 0);
}

static volatile int handler_runs;
static void counting_handler(int signo, siginfo_t* info, void* context) {
  (void)signo;
  (void)info;
  (void)context;
  handler_runs++;
}

// rt_sigreturn restores BTYPE from the frame: the handler sends the program to page PAGE_UDF
// (NOP, UDF) with `btype`; 0b10 faults at the NOP, 0 at the UDF after it.
static unsigned long return_btype;
static void redirecting_handler(int signo, siginfo_t* info, void* context) {
  (void)signo;
  (void)info;
  ucontext_t* uc = context;
  uc->uc_mcontext.pc = at_page(PAGE_UDF);
  uc->uc_mcontext.pstate = (uc->uc_mcontext.pstate & ~BTYPE_MASK) | return_btype;
}

static void raise_and_report(const char* key) {
  obs_seen_signo = 0;
  handler_runs = 0;
  if (sigsetjmp(obs_recover, 1) == 0) {
    raise(SIGUSR1);
    report(key, 0, handler_runs);
    return;
  }
  report(key, 1, 0);
}

static void check_signals(void) {
  const int guarded = PROT_READ | PROT_EXEC | PROT_BTI_BIT;
  const uint32_t udf[] = {NOP, UDF};
  code_page("page.udf", PAGE_UDF, udf, 2, guarded);
  // A handler is entered as through BLR: on a guarded page it needs BTI C.
  obs_handle(SIGUSR1, (void (*)(int, siginfo_t*, void*))at_page(PAGE_NONE), 0, 0);
  obs_status("page.none.guard", mprotect((void*)at_page(PAGE_NONE), obs_page, guarded));
  raise_and_report("handler.none");
  obs_handle(SIGUSR1, (void (*)(int, siginfo_t*, void*))at_page(PAGE_C), 0, 0);
  raise_and_report("handler.c");
  obs_handle(SIGUSR1, counting_handler, 0, 0);
  raise_and_report("handler.own_text");
  obs_handle(SIGUSR1, redirecting_handler, 0, 0);
  return_btype = 0;
  raise_and_report("sigreturn.btype_none");
  return_btype = BTYPE_CALL;
  raise_and_report("sigreturn.btype_call");
}

// The vDSO is not guarded: BLR onto a RET inside it (no landing pad) returns.
static void check_vdso(void) {
  const uint32_t* vdso = (const uint32_t*)getauxval(AT_SYSINFO_EHDR);
  if (vdso == NULL) {
    obs("vdso.ret", "no vdso");
    return;
  }
  size_t i = 16;  // past the ELF header
  while (i < obs_page / 4 && vdso[i] != RET) i++;
  if (i == obs_page / 4) {
    obs("vdso.ret", "none in the first page");
    return;
  }
  obs_seen_signo = 0;
  if (sigsetjmp(obs_recover, 1) == 0) {
    register long x0 __asm__("x0") = 42;
    __asm__ volatile("blr %1" : "+r"(x0) : "r"(&vdso[i]) : "x30", "memory");
    obs("vdso.ret", "returned %ld", x0);
    return;
  }
  obs("vdso.ret", "%s %s at_ret %s", obs_signal_name(obs_seen_signo),
      obs_code_name(obs_seen_signo, obs_seen_code),
      obs_seen_addr == (uintptr_t)&vdso[i] ? "yes" : "no");
}

int main(void) {
  const int bti = (getauxval(AT_HWCAP2) & HWCAP2_BTI_BIT) != 0;
  obs("bti.available", bti ? "yes" : "no");
  if (!bti) return 0;
  obs_choose_base();
  obs_handle(SIGILL, obs_on_fault, 0, 0);
  obs_handle(SIGSEGV, obs_on_fault, 0, 0);
  check_prot_bti();
  check_branches();
  check_signals();
  check_vdso();
  return 0;
}

#else

int main(void) {
  obs("bti.available", "no");
  return 0;
}

#endif
