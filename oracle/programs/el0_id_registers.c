// The CPU ID registers as a program reads them with MRS (HWCAP_CPUID): the kernel emulates an
// EL0 read of op0 3, op1 0, CRn 0 with CRm 0 (MIDR_EL1, MPIDR_EL1, REVIDR_EL1) or CRm 2-7 (the
// feature registers, sanitised; every encoding is read, reserved ones included, and
// ID_AA64PFR1_EL1 last), with the read into XZR too; any other MRS there (an op2 of CRm 0
// without a register, CRm 1, CRm 8), an MRS outside the space, and an MSR to an ID register are
// SIGILL, printed with si_code and whether si_addr is the instruction. The values are printed as
// read: the kernel that runs the program has booted the same CPU as the other. Elsewhere than
// arm64 only id.arch.
#include <sys/auxv.h>

#include "oracle/programs/obs_signal.h"

#if defined(__aarch64__)

#define HWCAP_CPUID_BIT (1ul << 11)

// The address of the MRS (or MSR) being tried, stored by the instruction before it, so that a
// SIGILL's si_addr can be compared with it.
static volatile uintptr_t access_pc;

// An MRS of `reg` into a register or, for `mrs_xzr`, into XZR; an MSR of `reg` from a register.
#define MRS(name, reg)                                            \
  static unsigned long name(void) {                               \
    unsigned long v;                                              \
    __asm__ volatile("adr x9, 1f\n\tstr x9, %1\n1:\tmrs %0, " reg \
                     : "=r"(v), "=m"(access_pc)                   \
                     :                                            \
                     : "x9", "memory");                           \
    return v;                                                     \
  }
#define MRS_XZR(name, reg)                                         \
  static unsigned long name(void) {                                \
    __asm__ volatile("adr x9, 1f\n\tstr x9, %0\n1:\tmrs xzr, " reg \
                     : "=m"(access_pc)                             \
                     :                                             \
                     : "x9", "memory");                            \
    return 0;                                                      \
  }
#define MSR(name, reg)                                                \
  static unsigned long name(void) {                                   \
    __asm__ volatile("adr x9, 1f\n\tstr x9, %0\n1:\tmsr " reg ", xzr" \
                     : "=m"(access_pc)                                \
                     :                                                \
                     : "x9", "memory");                               \
    return 0;                                                         \
  }

// Reads (or writes) through `fn`; prints the value, or the signal with its si_code and whether
// si_addr is the instruction's address.
static void try_access(const char* key, unsigned long (*fn)(void), int print_value) {
  obs_seen_signo = 0;
  access_pc = 0;
  if (sigsetjmp(obs_recover, 1) == 0) {
    const unsigned long v = fn();
    if (print_value) {
      obs(key, "0x%lx", v);
    } else {
      obs(key, "ok");
    }
    return;
  }
  obs(key, "signal %d code %d at_instruction %s", (int)obs_seen_signo, (int)obs_seen_code,
      obs_seen_addr == access_pc ? "yes" : "no");
}

struct id_read {
  const char* key;
  unsigned long (*fn)(void);
};

// Every encoding of CRm 2-7, by its name where the Arm ARM allocates one.
#define ID_CRM(crm, n0, n1, n2, n3, n4, n5, n6, n7)                                          \
  MRS(read_##crm##_0, "s3_0_c0_c" #crm "_0")                                                 \
  MRS(read_##crm##_1, "s3_0_c0_c" #crm "_1")                                                 \
  MRS(read_##crm##_2, "s3_0_c0_c" #crm "_2")                                                 \
  MRS(read_##crm##_3, "s3_0_c0_c" #crm "_3")                                                 \
  MRS(read_##crm##_4, "s3_0_c0_c" #crm "_4")                                                 \
  MRS(read_##crm##_5, "s3_0_c0_c" #crm "_5")                                                 \
  MRS(read_##crm##_6, "s3_0_c0_c" #crm "_6")                                                 \
  MRS(read_##crm##_7, "s3_0_c0_c" #crm "_7")                                                 \
  static const struct id_read crm_##crm[8] = {                                               \
      {"mrs." n0, read_##crm##_0}, {"mrs." n1, read_##crm##_1}, {"mrs." n2, read_##crm##_2}, \
      {"mrs." n3, read_##crm##_3}, {"mrs." n4, read_##crm##_4}, {"mrs." n5, read_##crm##_5}, \
      {"mrs." n6, read_##crm##_6}, {"mrs." n7, read_##crm##_7}};

ID_CRM(2, "ID_ISAR0_EL1", "ID_ISAR1_EL1", "ID_ISAR2_EL1", "ID_ISAR3_EL1", "ID_ISAR4_EL1",
       "ID_ISAR5_EL1", "ID_MMFR4_EL1", "ID_ISAR6_EL1")
ID_CRM(3, "MVFR0_EL1", "MVFR1_EL1", "MVFR2_EL1", "s3_0_c0_c3_3", "ID_PFR2_EL1", "ID_DFR1_EL1",
       "ID_MMFR5_EL1", "s3_0_c0_c3_7")
ID_CRM(4, "ID_AA64PFR0_EL1", "ID_AA64PFR1_EL1", "ID_AA64PFR2_EL1", "s3_0_c0_c4_3",
       "ID_AA64ZFR0_EL1", "ID_AA64SMFR0_EL1", "s3_0_c0_c4_6", "ID_AA64FPFR0_EL1")
ID_CRM(5, "ID_AA64DFR0_EL1", "ID_AA64DFR1_EL1", "s3_0_c0_c5_2", "s3_0_c0_c5_3", "ID_AA64AFR0_EL1",
       "ID_AA64AFR1_EL1", "s3_0_c0_c5_6", "s3_0_c0_c5_7")
ID_CRM(6, "ID_AA64ISAR0_EL1", "ID_AA64ISAR1_EL1", "ID_AA64ISAR2_EL1", "ID_AA64ISAR3_EL1",
       "s3_0_c0_c6_4", "s3_0_c0_c6_5", "s3_0_c0_c6_6", "s3_0_c0_c6_7")
ID_CRM(7, "ID_AA64MMFR0_EL1", "ID_AA64MMFR1_EL1", "ID_AA64MMFR2_EL1", "ID_AA64MMFR3_EL1",
       "ID_AA64MMFR4_EL1", "s3_0_c0_c7_5", "s3_0_c0_c7_6", "s3_0_c0_c7_7")

MRS(read_midr, "s3_0_c0_c0_0")
MRS(read_mpidr, "s3_0_c0_c0_5")
MRS(read_revidr, "s3_0_c0_c0_6")
MRS_XZR(read_midr_into_xzr, "s3_0_c0_c0_0")
MRS(read_crm0_op2_1, "s3_0_c0_c0_1")
MRS(read_id_pfr0, "s3_0_c0_c1_0")
MRS(read_crm8, "s3_0_c0_c8_0")
MRS(read_sctlr, "s3_0_c1_c0_0")
MRS(read_ccsidr, "s3_1_c0_c0_0")
MSR(write_id_aa64pfr0, "s3_0_c0_c4_0")

// Printed last: it holds ID_AA64PFR1_EL1.BT, which a kernel without guarded pages hides, and a
// known difference there must not keep the lines after it from being compared.
#define LAST_KEY "mrs.ID_AA64PFR1_EL1"

static void probes(void) {
  obs("auxv.hwcap_cpuid", "%s", (getauxval(AT_HWCAP) & HWCAP_CPUID_BIT) != 0 ? "yes" : "no");
  try_access("mrs.MIDR_EL1", read_midr, 1);
  try_access("mrs.MPIDR_EL1", read_mpidr, 1);
  try_access("mrs.REVIDR_EL1", read_revidr, 1);
  try_access("mrs.xzr_MIDR_EL1", read_midr_into_xzr, 0);
  const struct id_read* const space[] = {crm_2, crm_3, crm_4, crm_5, crm_6, crm_7};
  const struct id_read* last = NULL;
  for (size_t i = 0; i < sizeof space / sizeof space[0]; i++) {
    for (size_t op2 = 0; op2 < 8; op2++) {
      if (strcmp(space[i][op2].key, LAST_KEY) == 0) {
        last = &space[i][op2];
      } else {
        try_access(space[i][op2].key, space[i][op2].fn, 1);
      }
    }
  }
  try_access("mrs.s3_0_c0_c0_1", read_crm0_op2_1, 1);
  try_access("mrs.ID_PFR0_EL1", read_id_pfr0, 1);
  try_access("mrs.s3_0_c0_c8_0", read_crm8, 1);
  try_access("mrs.SCTLR_EL1", read_sctlr, 1);
  try_access("mrs.CCSIDR_EL1", read_ccsidr, 1);
  try_access("msr.ID_AA64PFR0_EL1", write_id_aa64pfr0, 0);
  try_access(last->key, last->fn, 1);
}

#else
static void probes(void) { obs("id.arch", "other"); }
#endif

int main(void) {
  obs_status("sigaction.ill", obs_handle(SIGILL, obs_on_fault, 0, 0));
  probes();
  return 0;
}
