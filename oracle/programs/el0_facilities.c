// What a program may do at EL0 / in problem state beyond plain instructions, where the kernel
// has to allow it or keep state for it (the kernel support behind the hwcaps both kernels
// advertise): on arm64 the registers EL0 reads once SCTLR_EL1 allows it (CTR_EL0 with UCT,
// DCZID_EL0, whose DZP says whether DC ZVA is allowed by DZE), DC ZVA zeroing its block, the
// cache maintenance by VA that UCI allows (DC CVAU, CVAC, CIVAC, CVAP, CVADP, IC IVAU), WFE
// (nTWE), the memory set and copy instructions (MSCEn), the self-synchronised counter read
// (FEAT_ECV) and the PSTATE bits DIT and SSBS kept across a system call; on powerpc a prefixed
// instruction (FSCR[PREFIX] on POWER10), DARN, TAR (FSCR[TAR]) kept across a system call, and
// DSCR by both its numbers.
// On arm64 also pointer authentication: each key signs within the PAC field, signatures
// authenticate and strip, the keys stay across a system call, and a bad signature's result. Each
// probe prints its result, or the signal it raised ("SIGILL ..."), so a kernel that traps what the
// other allows differs at that line.
#include <sys/auxv.h>

#include "oracle/programs/obs_signal.h"

static sigjmp_buf probe_recover;
static volatile sig_atomic_t probe_signo;
static volatile sig_atomic_t probe_code;

static void on_probe_signal(int signo, siginfo_t* info, void* context) {
  (void)context;
  probe_signo = signo;
  probe_code = info->si_code;
  siglongjmp(probe_recover, 1);
}

static const char* probe_signal_name(int signo) {
  switch (signo) {
    case SIGILL:
      return "SIGILL";
    case SIGSEGV:
      return "SIGSEGV";
    case SIGBUS:
      return "SIGBUS";
    default:
      return "other";
  }
}

// Runs probe(); prints what it printed through *value ("0x..." or "ok") or the signal.
static void probe(const char* key, int (*fn)(unsigned long* value), int hex) {
  unsigned long value = 0;
  probe_signo = 0;
  if (sigsetjmp(probe_recover, 1) == 0) {
    const int ok = fn(&value);
    if (!ok) {
      obs(key, "wrong");
    } else if (hex) {
      obs(key, "0x%lx", value);
    } else {
      obs(key, "ok");
    }
    return;
  }
  obs(key, "%s code %d", probe_signal_name(probe_signo), (int)probe_code);
}

#if defined(__aarch64__)

static unsigned char block_buffer[4096] __attribute__((aligned(4096)));

static int read_ctr(unsigned long* v) {
  __asm__ volatile("mrs %0, ctr_el0" : "=r"(*v));
  return 1;
}

static int read_dczid(unsigned long* v) {
  __asm__ volatile("mrs %0, dczid_el0" : "=r"(*v));
  return 1;
}

// DC ZVA on a block of 0xff bytes: the block (4 << DCZID_EL0.BS bytes) reads zero after it, the
// byte after the block does not.
static int dc_zva(unsigned long* v) {
  unsigned long dczid;
  __asm__ volatile("mrs %0, dczid_el0" : "=r"(dczid));
  const size_t block = (size_t)4 << (dczid & 0xf);
  if (block >= sizeof block_buffer) return 0;
  memset(block_buffer, 0xff, sizeof block_buffer);
  __asm__ volatile("dc zva, %0" ::"r"(block_buffer) : "memory");
  for (size_t i = 0; i < block; i++) {
    if (block_buffer[i] != 0) return 0;
  }
  *v = block;
  return block_buffer[block] == 0xff;
}

// The cache maintenance instructions by VA, as SYS encodings (an older assembler may not name
// DC CVAP and DC CVADP).
#define CACHE_OP(name, insn)                                      \
  static int name(unsigned long* v) {                             \
    (void)v;                                                      \
    __asm__ volatile(insn ", %0" ::"r"(block_buffer) : "memory"); \
    return 1;                                                     \
  }
CACHE_OP(dc_cvau, "dc cvau")
CACHE_OP(dc_cvac, "dc cvac")
CACHE_OP(dc_civac, "dc civac")
CACHE_OP(dc_cvap, "sys #3, c7, c12, #1")
CACHE_OP(dc_cvadp, "sys #3, c7, c13, #1")
CACHE_OP(ic_ivau, "ic ivau")

static int wfe(unsigned long* v) {
  (void)v;
  __asm__ volatile("sevl\n\twfe\n\twfe" ::: "memory");
  return 1;
}

// SETP/SETM/SETE and CPYFP/CPYFM/CPYFE (FEAT_MOPS) over 100 bytes.
static int mops_set(unsigned long* v) {
  unsigned char* dst = block_buffer;
  size_t n = 100;
  unsigned long value = 0x5a;
  memset(block_buffer, 0, 128);
  __asm__ volatile(
      ".arch_extension mops\n\t"
      "setp [%0]!, %1!, %2\n\t"
      "setm [%0]!, %1!, %2\n\t"
      "sete [%0]!, %1!, %2"
      : "+r"(dst), "+r"(n)
      : "r"(value)
      : "memory", "cc");
  for (size_t i = 0; i < 100; i++) {
    if (block_buffer[i] != 0x5a) return 0;
  }
  *v = block_buffer[100];
  return n == 0 && dst == block_buffer + 100 && block_buffer[100] == 0;
}

static int mops_copy(unsigned long* v) {
  unsigned char* dst = block_buffer + 1024;
  const unsigned char* src = block_buffer;
  size_t n = 100;
  for (int i = 0; i < 128; i++) block_buffer[i] = (unsigned char)i;
  memset(block_buffer + 1024, 0, 128);
  __asm__ volatile(
      ".arch_extension mops\n\t"
      "cpyfp [%0]!, [%1]!, %2!\n\t"
      "cpyfm [%0]!, [%1]!, %2!\n\t"
      "cpyfe [%0]!, [%1]!, %2!"
      : "+r"(dst), "+r"(src), "+r"(n)
      :
      : "memory", "cc");
  (void)v;
  return n == 0 && memcmp(block_buffer, block_buffer + 1024, 100) == 0 &&
         block_buffer[1024 + 100] == 0;
}

// CNTVCTSS_EL0 (FEAT_ECV): a counter value, never compared (it is a time).
static int cntvctss(unsigned long* v) {
  unsigned long t;
  __asm__ volatile("mrs %0, s3_3_c14_c0_6" : "=r"(t));
  (void)v;
  return t != 0;
}

// DIT (s3_3_c4_c2_5) and SSBS (s3_3_c4_c2_6), each set, then a system call, then read back: the
// bit as the program left it (DIT bit 24, SSBS bit 12). The value before is restored after.
#define PSTATE_BIT(name, reg, bit)                     \
  static int name(unsigned long* v) {                  \
    unsigned long before, after, set = 1ul << (bit);   \
    __asm__ volatile("mrs %0, " reg : "=r"(before));   \
    __asm__ volatile("msr " reg ", %0" ::"r"(set));    \
    (void)syscall(SYS_getppid);                        \
    __asm__ volatile("mrs %0, " reg : "=r"(after));    \
    __asm__ volatile("msr " reg ", %0" ::"r"(before)); \
    *v = after;                                        \
    return 1;                                          \
  }
PSTATE_BIT(dit_kept, "s3_3_c4_c2_5", 24)
PSTATE_BIT(ssbs_kept, "s3_3_c4_c2_6", 12)

// Pointer authentication (FEAT_PAuth) with x0 as the pointer and x1 as the modifier, by encoding
// (an assembler for plain ARMv8.0 does not name them): PACIA/PACIB/PACDA/PACDB/AUTIA/AUTDA x0,
// x1; XPACI/XPACD x0; PACGA x0, x0, x1.
#define PAC_OP(name, insn)                                                   \
  static unsigned long name(unsigned long pointer, unsigned long modifier) { \
    register unsigned long x0 __asm__("x0") = pointer;                       \
    register unsigned long x1 __asm__("x1") = modifier;                      \
    __asm__ volatile(".inst " insn : "+r"(x0) : "r"(x1));                    \
    return x0;                                                               \
  }
PAC_OP(pacia, "0xdac10020")
PAC_OP(pacib, "0xdac10420")
PAC_OP(pacda, "0xdac10820")
PAC_OP(pacdb, "0xdac10c20")
PAC_OP(autia, "0xdac11020")
PAC_OP(autda, "0xdac11820")
PAC_OP(xpaci, "0xdac143e0")
PAC_OP(xpacd, "0xdac147e0")
PAC_OP(pacga, "0x9ac13000")

// The signature of a user address with the top byte ignored (TCR_EL1.TBI0, as Linux sets it) and
// 48-bit addresses lies in bits 54:48.
#define PAC_FIELD 0x007f000000000000ul

// Each key signs: for eight modifiers, the signed pointer differs from the pointer somewhere
// (one signature may equal the plain bits by chance) and only inside the PAC field.
static int signs_with(unsigned long (*sign)(unsigned long, unsigned long)) {
  const unsigned long pointer = (unsigned long)block_buffer;
  int changed = 0;
  for (unsigned long m = 1; m <= 8; m++) {
    const unsigned long s = sign(pointer, m * 0x9e3779b97f4a7c15ul);
    if (((s ^ pointer) & ~PAC_FIELD) != 0) return 0;
    changed |= s != pointer;
  }
  return changed;
}
static int pac_ia_signs(unsigned long* v) {
  (void)v;
  return signs_with(pacia);
}
static int pac_ib_signs(unsigned long* v) {
  (void)v;
  return signs_with(pacib);
}
static int pac_da_signs(unsigned long* v) {
  (void)v;
  return signs_with(pacda);
}
static int pac_db_signs(unsigned long* v) {
  (void)v;
  return signs_with(pacdb);
}

// Signed, then authenticated with the same modifier: the pointer back; stripped: the same.
static int pac_round_trip(unsigned long* v) {
  (void)v;
  const unsigned long pointer = (unsigned long)block_buffer, m = 0x1234;
  return autia(pacia(pointer, m), m) == pointer && autda(pacda(pointer, m), m) == pointer &&
         xpaci(pacia(pointer, m), 0) == pointer && xpacd(pacda(pointer, m), 0) == pointer;
}

// The keys stay the program's across a system call: the same signatures before and after.
static int pac_keys_kept(unsigned long* v) {
  (void)v;
  const unsigned long pointer = (unsigned long)block_buffer, m = 0x5678;
  const unsigned long ia = pacia(pointer, m), da = pacda(pointer, m), ga = pacga(pointer, m);
  (void)syscall(SYS_getppid);
  return pacia(pointer, m) == ia && pacda(pointer, m) == da && pacga(pointer, m) == ga;
}

// A generic signature: the upper 32 bits of PACGA's result (0 only by a 2^-32 chance).
static int pac_generic(unsigned long* v) {
  (void)v;
  return (pacga((unsigned long)block_buffer, 0x9abc) >> 32) != 0;
}

// Authentication with the wrong modifier: with FEAT_FPAC the instruction faults (SIGILL, printed
// by probe()); without, the pointer comes back poisoned ("wrong"). The wrong modifier is one
// whose signature differs from the right one's: the PAC field may be only a few bits wide (3 with
// Linux's 52-bit user addresses), so two modifiers' signatures can be the same, and then the
// authentication rightly succeeds.
static int pac_bad_auth(unsigned long* v) {
  (void)v;
  const unsigned long pointer = (unsigned long)block_buffer, signed_1 = pacia(pointer, 1);
  unsigned long wrong = 2;
  while (wrong < 64 && pacia(pointer, wrong) == signed_1) wrong++;
  return autia(signed_1, wrong) == pointer;
}

static void probes(void) {
  probe("el0.ctr_el0", read_ctr, 1);
  probe("el0.dczid_el0", read_dczid, 1);
  probe("el0.dc_zva_block", dc_zva, 1);
  probe("el0.dc_cvau", dc_cvau, 0);
  probe("el0.dc_cvac", dc_cvac, 0);
  probe("el0.dc_civac", dc_civac, 0);
  probe("el0.dc_cvap", dc_cvap, 0);
  probe("el0.dc_cvadp", dc_cvadp, 0);
  probe("el0.ic_ivau", ic_ivau, 0);
  probe("el0.wfe", wfe, 0);
  probe("el0.mops_set", mops_set, 0);
  probe("el0.mops_copy", mops_copy, 0);
  probe("el0.cntvctss", cntvctss, 0);
  probe("el0.dit_after_syscall", dit_kept, 1);
  probe("el0.ssbs_after_syscall", ssbs_kept, 1);
  probe("el0.pac_ia_signs", pac_ia_signs, 0);
  probe("el0.pac_ib_signs", pac_ib_signs, 0);
  probe("el0.pac_da_signs", pac_da_signs, 0);
  probe("el0.pac_db_signs", pac_db_signs, 0);
  probe("el0.pac_round_trip", pac_round_trip, 0);
  probe("el0.pac_keys_after_syscall", pac_keys_kept, 0);
  probe("el0.pac_generic", pac_generic, 0);
  probe("el0.pac_bad_auth", pac_bad_auth, 0);
}

#elif defined(__powerpc64__)

// pli r3, 0x12345 (Power ISA 3.1 paddi with RA = 0, R = 0): the prefix word, then the suffix; a
// prefixed instruction may not cross a 64-byte boundary, hence the alignment.
static int prefixed(unsigned long* v) {
  unsigned long r;
  __asm__ volatile(
      ".p2align 6\n\t"
      ".long 0x06000001\n\t"
      ".long 0x38602345\n\t"
      "mr %0, 3"
      : "=r"(r)
      :
      : "r3");
  *v = r;
  return 1;
}

// darn r3, 1 (Power ISA 3.0): a random number, never printed; ~0 is its failure value.
static int darn(unsigned long* v) {
  unsigned long r;
  __asm__ volatile(".long 0x7c6105e6\n\tmr %0, 3" : "=r"(r) : : "r3");
  (void)v;
  return 1;
}

// TAR (SPR 815) set, a system call, read back.
static int tar_kept(unsigned long* v) {
  unsigned long before, after, set = 0x123458;
  __asm__ volatile("mfspr %0, 815" : "=r"(before));
  __asm__ volatile("mtspr 815, %0" ::"r"(set));
  (void)syscall(SYS_getppid);
  __asm__ volatile("mfspr %0, 815" : "=r"(after));
  __asm__ volatile("mtspr 815, %0" ::"r"(before));
  *v = after;
  return 1;
}

// DSCR through its problem-state number (SPR 3): its first value, then one the program set,
// read back after a system call; then through the privileged number (SPR 17), which problem
// state may not use and Linux emulates.
static int dscr_initial(unsigned long* v) {
  __asm__ volatile("mfspr %0, 3" : "=r"(*v));
  return 1;
}

static int dscr_kept(unsigned long* v) {
  unsigned long set = 0x5;
  __asm__ volatile("mtspr 3, %0" ::"r"(set));
  (void)syscall(SYS_getppid);
  __asm__ volatile("mfspr %0, 3" : "=r"(*v));
  return 1;
}

static int dscr_privileged_read(unsigned long* v) {
  __asm__ volatile("mfspr %0, 17" : "=r"(*v));
  return 1;
}

static int dscr_privileged_write(unsigned long* v) {
  unsigned long set = 0x3;
  __asm__ volatile("mtspr 17, %0" ::"r"(set));
  __asm__ volatile("mfspr %0, 3" : "=r"(*v));
  return 1;
}

static void probes(void) {
  // The oracle's powerpc boots a POWER10 (oracle/README.md), where both are instructions.
  probe("el0.prefixed_pli", prefixed, 1);
  probe("el0.darn", darn, 0);
  probe("el0.tar_after_syscall", tar_kept, 1);
  probe("el0.dscr_initial", dscr_initial, 1);
  probe("el0.dscr_after_syscall", dscr_kept, 1);
  probe("el0.dscr_privileged_read", dscr_privileged_read, 1);
  probe("el0.dscr_privileged_write", dscr_privileged_write, 1);
}

#else
static void probes(void) { obs("el0.arch", "other"); }
#endif

int main(void) {
  obs_status("sigaction.ill", obs_handle(SIGILL, on_probe_signal, 0, 0));
  obs_status("sigaction.segv", obs_handle(SIGSEGV, on_probe_signal, 0, 0));
  obs_status("sigaction.bus", obs_handle(SIGBUS, on_probe_signal, 0, 0));
  probes();
  return 0;
}
