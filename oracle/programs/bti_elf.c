// An executable whose GNU property note (PT_GNU_PROPERTY, NT_GNU_PROPERTY_TYPE_0) has
// GNU_PROPERTY_AARCH64_FEATURE_1_BTI: Linux 6.12 maps its PROT_EXEC segments PROT_BTI
// (fs/binfmt_elf.c parse_elf_properties, arch/arm64/kernel/process.c arch_elf_adjust_prot), so
// a BLR onto a function without a landing pad in its own text is SIGILL, si_addr the function.
// On arm64 it is built freestanding with -mbranch-protection=bti: the static C library has no
// note, and the linker would drop the property of a program linked with it. It prints whether
// its note says BTI (read through AT_PHDR), a call onto a BTI C, then the call onto none, whose
// SIGILL handler prints the signal and exits. Elsewhere than arm64 it prints bti.available no.
#if defined(__aarch64__)

#include <stddef.h>
#include <stdint.h>

enum {
  SYS_WRITE = 64,
  SYS_EXIT_GROUP = 94,
  SYS_RT_SIGACTION = 134,
  SYS_RT_SIGRETURN = 139,
  SIGNAL_ILL = 4,
  CODE_ILL_ILLOPC = 1,
  AT_NULL = 0,
  AT_PHDR = 3,
  AT_PHNUM = 5,
  AT_HWCAP2 = 26,
  PT_GNU_PROPERTY = 0x6474e553,
  GNU_PROPERTY_AARCH64_FEATURE_1_AND = 0xc0000000,
  SA_SIGINFO = 4,
  SA_RESTORER = 0x04000000,
};
#define HWCAP2_BTI (1ul << 17)

static long syscall4(long number, long a, long b, long c, long d) {
  register long x8 __asm__("x8") = number;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
  return x0;
}

static void say(const char* text) {
  size_t n = 0;
  while (text[n] != '\0') n++;
  syscall4(SYS_WRITE, 1, (long)text, (long)n, 0);
}

__attribute__((noreturn)) static void leave(void) {
  for (;;) syscall4(SYS_EXIT_GROUP, 0, 0, 0, 0);
}

// bti_elf_plain has no landing pad; bti_elf_restorer is reached by RET, which needs none.
__asm__(
    ".text\n"
    ".globl bti_elf_plain\n.type bti_elf_plain, %function\nbti_elf_plain:\n\tmov x0, #5\n\tret\n"
    ".globl bti_elf_restorer\nbti_elf_restorer:\n\tmov x8, #139\n\tsvc #0\n");
long bti_elf_plain(void);
void bti_elf_restorer(void);

// Compiled with BTI C at its entry, as every function here.
__attribute__((noinline)) static long landing(void) { return 7; }

struct siginfo_head {
  int signo, errno_value, code, pad;
  uintptr_t addr;
};

static void on_sigill(int signo, struct siginfo_head* info, void* context) {
  (void)context;
  say(signo == SIGNAL_ILL ? "elf.blr_plain SIGILL" : "elf.blr_plain other");
  say(info->code == CODE_ILL_ILLOPC ? " ILL_ILLOPC" : " other");
  say(info->addr == (uintptr_t)bti_elf_plain ? " si_addr at_function\n" : " si_addr elsewhere\n");
  leave();
}

// Whether the program headers at `phdr` hold a property note with the AArch64 BTI bit.
static int note_says_bti(const unsigned char* phdr, unsigned long phnum) {
  for (unsigned long i = 0; i < phnum; i++) {
    const unsigned char* ph = phdr + i * 56;
    if (*(const uint32_t*)ph != PT_GNU_PROPERTY) continue;
    const uint32_t* note = (const uint32_t*)*(const uint64_t*)(ph + 16);
    // {namesz 4, descsz, type 5, "GNU\0"}, then {pr_type, pr_datasz, value}.
    return note[3] == 0x00554e47 && note[4] == GNU_PROPERTY_AARCH64_FEATURE_1_AND && note[5] == 4 &&
           (note[6] & 1) != 0;
  }
  return 0;
}

struct kernel_sigaction {
  void* handler;
  unsigned long flags;
  void* restorer;
  unsigned long mask;
};

__attribute__((noreturn, used)) void bti_elf_main(uintptr_t* sp) {
  uintptr_t* p = sp + 1 + sp[0] + 1;  // argc, argv..., NULL
  while (*p != 0) p++;                // envp..., NULL
  unsigned long phdr = 0, phnum = 0, hwcap2 = 0;
  for (p++; p[0] != AT_NULL; p += 2) {
    if (p[0] == AT_PHDR) phdr = p[1];
    if (p[0] == AT_PHNUM) phnum = p[1];
    if (p[0] == AT_HWCAP2) hwcap2 = p[1];
  }
  if ((hwcap2 & HWCAP2_BTI) == 0) {
    say("bti.available no\n");
    leave();
  }
  say("bti.available yes\n");
  say(note_says_bti((const unsigned char*)phdr, phnum) ? "elf.note bti\n" : "elf.note none\n");
  long (*volatile target)(void) = landing;
  say(target() == 7 ? "elf.blr_landing returned\n" : "elf.blr_landing wrong\n");
  struct kernel_sigaction sa = {(void*)on_sigill, SA_SIGINFO | SA_RESTORER, (void*)bti_elf_restorer,
                                0};
  if (syscall4(SYS_RT_SIGACTION, SIGNAL_ILL, (long)&sa, 0, 8) != 0) say("elf.sigaction failed\n");
  target = bti_elf_plain;
  target();
  say("elf.blr_plain returned\n");
  leave();
}

// The entry: the initial stack pointer to bti_elf_main, which never returns.
__asm__(
    ".text\n"
    ".globl _start\n.type _start, %function\n_start:\n\tbti c\n\tmov x0, sp\n\tbl bti_elf_main\n");

#else

#include "oracle/programs/obs.h"

int main(void) {
  obs("bti.available", "no");
  return 0;
}

#endif
