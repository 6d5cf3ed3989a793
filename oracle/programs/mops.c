// FEAT_MOPS's memory copy and memory set exceptions at EL0 (exception class 0x27), which Linux
// 6.12 answers by rewinding the sequence to its prologue (arch/arm64/kernel/traps.c do_el0_mops,
// arch/arm64/include/asm/traps.h arm64_mops_reset_regs): no signal, and the prologue runs again.
// QEMU's CPU implements Option A (a prologue leaves PSTATE.C clear), so a main or epilogue
// instruction entered with PSTATE.C set and the registers in Option B's form, as on a CPU of
// the other kind, takes the exception. Each case enters one CPY* or SET* sequence so and prints
// the signal it got (or none), whether the bytes are right, and the registers and NZCV after,
// relative to the buffers: a forward copy from the main and from the epilogue instruction, a
// backward (overlapping) copy from the main instruction, and a set from each; first the same
// sequences from their prologues. Elsewhere than arm64 (or without HWCAP2_MOPS) it prints only
// mops.available.
#define _GNU_SOURCE
#include "oracle/programs/obs_signal.h"

#if defined(__aarch64__)

#define HWCAP2_MOPS_BIT (1ul << 43)
#define NZCV_N (1ul << 31)
#define NZCV_C (1ul << 29)

// Each takes the sequence's registers in x0-x2 and the NZCV to enter with in x3, runs the
// sequence from its prologue, main or epilogue instruction, and stores x0, x1, x2 and NZCV
// after it at x4. Copies: x0 destination, x1 source, x2 size; sets: x0 destination, x1 size,
// x2 the byte.
#define MOPS_STORE "\tmrs x6, nzcv\n\tstp x0, x1, [x4]\n\tstp x2, x6, [x4, #16]\n\tret\n"
// x5 picks the entry without touching the flags: 0 the prologue, 1 the main instruction, 2 the
// epilogue.
#define MOPS_ENTER "\tmsr nzcv, x3\n\tcbz x5, 0f\n\ttbnz x5, #1, 2f\n\tb 1f\n"
__asm__(
    ".text\n"
    ".arch_extension mops\n"
    ".globl mops_cpyf\nmops_cpyf:\n" MOPS_ENTER
    "0:\tcpyfp [x0]!, [x1]!, x2!\n"
    "1:\tcpyfm [x0]!, [x1]!, x2!\n"
    "2:\tcpyfe [x0]!, [x1]!, x2!\n" MOPS_STORE ".globl mops_cpy\nmops_cpy:\n" MOPS_ENTER
    "0:\tcpyp [x0]!, [x1]!, x2!\n"
    "1:\tcpym [x0]!, [x1]!, x2!\n"
    "2:\tcpye [x0]!, [x1]!, x2!\n" MOPS_STORE ".globl mops_set\nmops_set:\n" MOPS_ENTER
    "0:\tsetp [x0]!, x1!, x2\n"
    "1:\tsetm [x0]!, x1!, x2\n"
    "2:\tsete [x0]!, x1!, x2\n" MOPS_STORE);
void mops_cpyf(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t nzcv, uint64_t* out, int at);
void mops_cpy(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t nzcv, uint64_t* out, int at);
void mops_set(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t nzcv, uint64_t* out, int at);
typedef void (*mops_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t*, int);

enum { SIZE = 200, BYTE = 0xa5 };
static unsigned char area[2 * SIZE + 64];

static void fill(void) {
  for (size_t i = 0; i < sizeof area; i++) area[i] = (unsigned char)(i * 7 + 1);
}

// The first wrong byte of area against what the sequence should have left, or -1.
static long first_wrong(const unsigned char* want) {
  for (size_t i = 0; i < sizeof area; i++) {
    if (area[i] != want[i]) return (long)i;
  }
  return -1;
}

// Runs fn and prints "<key> signal ... bytes ... x0 ... x1 ... x2 ... nzcv ...": x0 (and x1 for
// copies) as offsets from `dst` (and `src`).
static void run(const char* key, mops_fn fn, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t nzcv,
                int at, const unsigned char* want, uintptr_t dst, uintptr_t src) {
  uint64_t out[4] = {0, 0, 0, 0};
  obs_seen_signo = 0;
  if (sigsetjmp(obs_recover, 1) == 0) fn(x0, x1, x2, nzcv, out, at);
  char x1_text[32];
  if (src != 0) {
    snprintf(x1_text, sizeof x1_text, "%+ld", (long)(out[1] - src));
  } else {
    snprintf(x1_text, sizeof x1_text, "%ld", (long)out[1]);
  }
  if (obs_seen_signo != 0) {
    obs(key, "signal %s %s", obs_signal_name(obs_seen_signo),
        obs_code_name(obs_seen_signo, obs_seen_code));
    return;
  }
  obs(key, "signal none first_wrong %ld x0 %+ld x1 %s x2 %ld nzcv %#lx", first_wrong(want),
      (long)(out[0] - dst), x1_text, (long)out[2], (unsigned long)out[3]);
}

// A forward copy of SIZE bytes from area to area + SIZE + 32, entered at `at` with NZCV and the
// registers in the form given.
static void forward_copy(const char* key, int at, int option_b) {
  unsigned char want[sizeof area];
  fill();
  memcpy(want, area, sizeof area);
  memcpy(want + SIZE + 32, want, SIZE);
  const uintptr_t src = (uintptr_t)area, dst = (uintptr_t)area + SIZE + 32;
  run(key, mops_cpyf, dst, src, SIZE, option_b ? NZCV_C : 0, at, want, dst, src);
}

// A copy of SIZE bytes from area to area + 16, which overlap: the CPU copies backwards. Option B's
// form of a backward copy has both pointers at their ends and PSTATE.N set.
static void backward_copy(const char* key, int at, int option_b) {
  unsigned char want[sizeof area];
  fill();
  memcpy(want, area, sizeof area);
  memmove(want + 16, want, SIZE);
  const uintptr_t src = (uintptr_t)area, dst = (uintptr_t)area + 16;
  if (option_b) {
    run(key, mops_cpy, dst + SIZE, src + SIZE, SIZE, NZCV_N | NZCV_C, at, want, dst, src);
  } else {
    run(key, mops_cpy, dst, src, SIZE, 0, at, want, dst, src);
  }
}

static void set(const char* key, int at, int option_b) {
  unsigned char want[sizeof area];
  fill();
  memcpy(want, area, sizeof area);
  memset(want + 8, BYTE, SIZE);
  const uintptr_t dst = (uintptr_t)area + 8;
  run(key, mops_set, dst, SIZE, BYTE, option_b ? NZCV_C : 0, at, want, dst, 0);
}

int main(void) {
  if ((getauxval(AT_HWCAP2) & HWCAP2_MOPS_BIT) == 0) {
    obs("mops.available", "no");
    return 0;
  }
  obs("mops.available", "yes");
  obs_status("sigaction.ill", obs_handle(SIGILL, obs_on_fault, 0, 0));
  forward_copy("mops.cpyf.prologue", 0, 0);
  backward_copy("mops.cpy_backward.prologue", 0, 0);
  set("mops.set.prologue", 0, 0);
  forward_copy("mops.cpyf.main_option_b", 1, 1);
  forward_copy("mops.cpyf.epilogue_option_b", 2, 1);
  backward_copy("mops.cpy_backward.main_option_b", 1, 1);
  set("mops.set.main_option_b", 1, 1);
  set("mops.set.epilogue_option_b", 2, 1);
  return 0;
}

#else

int main(void) {
  obs("mops.available", "no");
  return 0;
}

#endif
