// Restartable-sequence critical sections for the test programs, in C and C++ alike: the user
// programs (clang, no libc) and the differential programs (oracle/programs, GCC and glibc) include
// this header, in one translation unit each. It holds the structures of include/uapi/linux/rseq.h
// and two critical sections, each a function whose labels name its start, its post-commit
// address and its abort handler, with the arch's signature (glibc's RSEQ_SIG) before the abort:
//
//   rseq_section_syscall(field, cs, number, a0, a1, a2)  stores cs in *field, then makes system
//       call `number` inside the section and commits; 0 when it committed, 1 when the kernel
//       moved it to the abort handler.
//   rseq_section_spin(field, cs)  stores cs in *field and spins inside the section until the
//       kernel aborts it; returns 1 then.
//
// The caller builds the struct rseq_cs from the labels (rseq_section_cs), so that the tests can
// also hand the kernel descriptors it must refuse.
#pragma once

#include <stdint.h>

struct rseq_area {
  uint32_t cpu_id_start;
  uint32_t cpu_id;
  uint64_t rseq_cs;
  uint32_t flags;
  uint32_t node_id;
  uint32_t mm_cid;
} __attribute__((aligned(32)));

struct rseq_cs_desc {
  uint32_t version;
  uint32_t flags;
  uint64_t start_ip;
  uint64_t post_commit_offset;
  uint64_t abort_ip;
} __attribute__((aligned(32)));

#if defined(__aarch64__)
#define RSEQ_SECTION_SIG 0xd428bc00u  // brk #0x45e0
#define RSEQ_SECTION_NR 293
#define RSEQ_SECTION_SIG_ASM ".inst 0xd428bc00\n"
#define RSEQ_ASM_STORE_CS "str %[cs], [%[field]]\n"
#define RSEQ_ASM_SYSCALL "svc #0\n"
#define RSEQ_ASM_SET_ABORTED(v) "mov %[aborted], #" #v "\n"
#define RSEQ_ASM_FIELD(field) "r"(field)
#elif defined(__powerpc64__)
#define RSEQ_SECTION_SIG 0x0fe5000bu  // twui r5,11
#define RSEQ_SECTION_NR 387
#define RSEQ_SECTION_SIG_ASM ".long 0x0fe5000b\n"
#define RSEQ_ASM_STORE_CS "std %[cs], 0(%[field])\n"
#define RSEQ_ASM_SYSCALL "sc\n"
#define RSEQ_ASM_SET_ABORTED(v) "li %[aborted], " #v "\n"
// A base register: r0 reads as zero in a D-form address.
#define RSEQ_ASM_FIELD(field) "b"(field)
#else
#error "rseq sections are written for arm64 and powerpc64"
#endif

// The labels: code addresses, declared as data so that no ABI turns them into descriptors.
#ifdef __cplusplus
extern "C" {
#endif
extern const char rseq_syscall_start[], rseq_syscall_post_commit[], rseq_syscall_abort[];
extern const char rseq_spin_start[], rseq_spin_post_commit[], rseq_spin_abort[];
#ifdef __cplusplus
}
#endif

// Each section's labels must exist once: never inlined, and (GCC) never cloned.
#if defined(__clang__)
#define RSEQ_SECTION_FUNCTION static __attribute__((noinline, used))
#else
#define RSEQ_SECTION_FUNCTION static __attribute__((noinline, noclone, used))
#endif

// One section's text: `body` runs between the start and post-commit labels of `name`; a commit
// reaches the end with `committed` set, an abort jumps past the signature to the abort label.
#define RSEQ_SECTION_ASM(name, body, committed)               \
  RSEQ_ASM_STORE_CS                                           \
  ".globl rseq_" name                                         \
  "_start\n"                                                  \
  "rseq_" name "_start:\n" body committed ".globl rseq_" name \
  "_post_commit\n"                                            \
  "rseq_" name                                                \
  "_post_commit:\n"                                           \
  "b 1f\n" RSEQ_SECTION_SIG_ASM ".globl rseq_" name           \
  "_abort\n"                                                  \
  "rseq_" name "_abort:\n" RSEQ_ASM_SET_ABORTED(1) "1:\n"

RSEQ_SECTION_FUNCTION long rseq_section_syscall(uint64_t* field, const struct rseq_cs_desc* cs,
                                                long number, long a0, long a1, long a2) {
  long aborted;
#if defined(__aarch64__)
  register long x8 __asm__("x8") = number;
  register long x0 __asm__("x0") = a0;
  register long x1 __asm__("x1") = a1;
  register long x2 __asm__("x2") = a2;
  __asm__ volatile(RSEQ_SECTION_ASM("syscall", RSEQ_ASM_SYSCALL, RSEQ_ASM_SET_ABORTED(0))
                   : [aborted] "=&r"(aborted), "+r"(x0), "+r"(x1), "+r"(x2)
                   : [cs] "r"(cs), [field] "r"(field), "r"(x8)
                   : "memory");
#else
  register long r0 __asm__("r0") = number;
  register long r3 __asm__("r3") = a0;
  register long r4 __asm__("r4") = a1;
  register long r5 __asm__("r5") = a2;
  __asm__ volatile(RSEQ_SECTION_ASM("syscall", RSEQ_ASM_SYSCALL, RSEQ_ASM_SET_ABORTED(0))
                   : [aborted] "=&r"(aborted), "+r"(r0), "+r"(r3), "+r"(r4), "+r"(r5)
                   : [cs] "r"(cs), [field] "b"(field)
                   : "r6", "r7", "r8", "r9", "r10", "r11", "r12", "cr0", "ctr", "xer", "memory");
#endif
  return aborted;
}

// The spin never commits: its body branches to itself until the kernel moves it to the abort
// label.
RSEQ_SECTION_FUNCTION long rseq_section_spin(uint64_t* field, const struct rseq_cs_desc* cs) {
  long aborted;
  __asm__ volatile(RSEQ_SECTION_ASM("spin", "b rseq_spin_start\n", "")
                   : [aborted] "=&r"(aborted)
                   : [cs] "r"(cs), [field] RSEQ_ASM_FIELD(field)
                   : "memory");
  return aborted;
}

// The descriptor of a section from its labels: version 0, no flags.
static inline struct rseq_cs_desc rseq_section_cs(const char* start, const char* post_commit,
                                                  const char* abort_ip) {
  struct rseq_cs_desc cs = {0, 0, (uint64_t)(uintptr_t)start,
                            (uint64_t)(uintptr_t)(post_commit - start),
                            (uint64_t)(uintptr_t)abort_ip};
  return cs;
}
