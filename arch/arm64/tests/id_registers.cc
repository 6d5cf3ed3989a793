// The ID registers as EL0 reads them (id_registers.h, id_register_emulation.h): the sanitising
// rule on made-up register values (visible fields kept, hidden ones their safe values, bits no
// field covers 0, the fields Maplet's hwcaps gate), the values of CRm 0 and what is not
// emulated, then EL0 MRS instructions: emulated ones write their register (none for XZR) and go
// on at the next instruction, others end the run as a Fault at the MRS; and an MRS that arrives
// as an undefined instruction (a CPU without FEAT_IDST) is emulated from its instruction word.
// What each register reads on the QEMU CPU is checked against Linux by the oracle program
// el0_id_registers.

#include "arch/arm64/id_registers.h"
#include "arch/arm64/esr.h"
#include "arch/arm64/id_register_emulation.h"
#include "arch/arm64/sysreg.h"
#include "arch/arm64/tests/user_program.h"
#include "kernel/test/test.h"

using namespace arm64_test;
using arm64::ElfHwcaps;
using arm64::id_register_sanitise;
using arm64::id_register_user_value;
using arm64::SysReg;

namespace {

constexpr uint64_t ALL = ~uint64_t{0};
constexpr ElfHwcaps NO_CAPS = {0, 0};
// HWCAP_SVE (bit 22) and HWCAP2_BTI (bit 17) (Linux arch/arm64/include/uapi/asm/hwcap.h).
constexpr ElfHwcaps SVE_AND_BTI = {uint64_t{1} << 22, uint64_t{1} << 17};

// MRS Xt, (op0 3, op1 0, CRn, CRm, op2) (C6.2 "MRS": o0 = 1 in bit 19 for op0 3).
constexpr uint32_t mrs(unsigned rt, unsigned crn, unsigned crm, unsigned op2) {
  return 0xd5380000 | (crn << 12) | (crm << 8) | (op2 << 5) | rt;
}
constexpr unsigned XZR = 31;
constexpr uint64_t MPIDR_USER = uint64_t{1} << 31;

uint64_t midr() { return ARM64_READ_SYSREG(midr_el1); }

}  // namespace

KTEST(arm64_id_registers, visible_fields_show_the_cpu_and_the_rest_reads_zero) {
  // ID_AA64ISAR0_EL1: everything but TLB [59:56], TME [27:24] and the RES0 [3:0].
  EXPECT_EQ(id_register_sanitise(6, 0, ALL, NO_CAPS), uint64_t{0xf0ff'ffff'f0ff'fff0});
  EXPECT_EQ(id_register_sanitise(6, 0, 0x1021'1111'1021'2120, NO_CAPS),
            uint64_t{0x1021'1111'1021'2120});
  // ID_AA64MMFR1_EL1: AFP [47:44] alone.
  EXPECT_EQ(id_register_sanitise(7, 1, ALL, NO_CAPS), uint64_t{0xf} << 44);
}

KTEST(arm64_id_registers, hidden_fields_read_their_safe_values) {
  // ID_AA64PFR0_EL1 EL1 and EL0 as 1; DIT, AdvSIMD and FP as the CPU has them.
  EXPECT_EQ(id_register_sanitise(4, 0, 0, NO_CAPS), uint64_t{0x11});
  EXPECT_EQ(id_register_sanitise(4, 0, 0x2220'0000'0000'0022, NO_CAPS), uint64_t{0x11});
  EXPECT_EQ(id_register_sanitise(4, 0, ALL, NO_CAPS), uint64_t{0x000f'0000'00ff'0011});
  // ID_AA64MMFR0_EL1: TGRAN4_2, TGRAN64_2, TGRAN16_2 as 1, TGRAN4 and TGRAN64 as 0xf.
  EXPECT_EQ(id_register_sanitise(7, 0, 0, NO_CAPS), uint64_t{0x0000'0111'ff00'0000});
  EXPECT_EQ(id_register_sanitise(7, 0, ALL, NO_CAPS), uint64_t{0xf000'0111'ff00'0000});
  // ID_AA64DFR0_EL1: DebugVer as 6, whatever the CPU's.
  EXPECT_EQ(id_register_sanitise(5, 0, ALL, NO_CAPS), uint64_t{6});
}

KTEST(arm64_id_registers, gated_fields_show_with_their_hwcap) {
  // ID_AA64PFR1_EL1 BT [3:0] with HWCAP2_BTI; MTE and SSBS always.
  EXPECT_EQ(id_register_sanitise(4, 1, 0x321, NO_CAPS), uint64_t{0x320});
  EXPECT_EQ(id_register_sanitise(4, 1, 0x321, SVE_AND_BTI), uint64_t{0x321});
  // ID_AA64PFR0_EL1 SVE [35:32] and ID_AA64ZFR0_EL1 with HWCAP_SVE.
  EXPECT_EQ(id_register_sanitise(4, 0, uint64_t{1} << 32, NO_CAPS), uint64_t{0x11});
  EXPECT_EQ(id_register_sanitise(4, 0, uint64_t{1} << 32, SVE_AND_BTI), (uint64_t{1} << 32) | 0x11);
  EXPECT_EQ(id_register_sanitise(4, 4, ALL, NO_CAPS), uint64_t{0});
  EXPECT_EQ(id_register_sanitise(4, 4, ALL, SVE_AND_BTI), uint64_t{0x0ff0'ff0f'0fff'00ff});
  // ID_AA64SMFR0_EL1 stays hidden (Linux as Debian builds it has no SME).
  EXPECT_EQ(id_register_sanitise(4, 5, ALL, SVE_AND_BTI), uint64_t{0});
}

KTEST(arm64_id_registers, unlisted_registers_read_zero) {
  // A reserved encoding, ID_AA64AFR0_EL1 (IMPLEMENTATION DEFINED), ID_AA64MMFR4_EL1 (all hidden).
  EXPECT_EQ(id_register_sanitise(4, 3, ALL, SVE_AND_BTI), uint64_t{0});
  EXPECT_EQ(id_register_sanitise(5, 4, ALL, SVE_AND_BTI), uint64_t{0});
  EXPECT_EQ(id_register_sanitise(7, 4, ALL, SVE_AND_BTI), uint64_t{0});
}

KTEST(arm64_id_registers, crm0_and_the_space_linux_emulates) {
  const Result<uint64_t> midr_value = id_register_user_value(SysReg{3, 0, 0, 0, 0});
  const Result<uint64_t> mpidr_value = id_register_user_value(SysReg{3, 0, 0, 0, 5});
  const Result<uint64_t> revidr_value = id_register_user_value(SysReg{3, 0, 0, 0, 6});
  const Result<uint64_t> isar0_value = id_register_user_value(SysReg{3, 0, 0, 6, 0});
  ASSERT_OK(midr_value);
  ASSERT_OK(mpidr_value);
  ASSERT_OK(revidr_value);
  ASSERT_OK(isar0_value);
  EXPECT_EQ(midr_value.value(), midr());
  EXPECT_EQ(mpidr_value.value(), MPIDR_USER);
  EXPECT_EQ(revidr_value.value(), uint64_t{0});
  EXPECT_EQ(isar0_value.value(),
            id_register_sanitise(6, 0, ARM64_READ_SYSREG(id_aa64isar0_el1), arm64::elf_hwcaps()));
  // CRm 0 op2 1, CRm 1 (ID_PFR0_EL1), CRm 8, CRn 1 (SCTLR_EL1), op1 1 (CCSIDR_EL1), op0 2.
  EXPECT_ERROR(id_register_user_value(SysReg{3, 0, 0, 0, 1}), Error::Invalid);
  EXPECT_ERROR(id_register_user_value(SysReg{3, 0, 0, 1, 0}), Error::Invalid);
  EXPECT_ERROR(id_register_user_value(SysReg{3, 0, 0, 8, 0}), Error::Invalid);
  EXPECT_ERROR(id_register_user_value(SysReg{3, 0, 1, 0, 0}), Error::Invalid);
  EXPECT_ERROR(id_register_user_value(SysReg{3, 1, 0, 0, 0}), Error::Invalid);
  EXPECT_ERROR(id_register_user_value(SysReg{2, 0, 0, 0, 0}), Error::Invalid);
}

KTEST(arm64_id_registers, el0_mrs_writes_its_register_and_goes_on) {
  const uint32_t program[] = {mrs(0, 0, 6, 0), mrs(1, 0, 0, 0), mrs(XZR, 0, 0, 0),
                              mrs(2, 0, 0, 5), mrs(3, 0, 0, 6), SVC_0};
  UserProgram user;
  ASSERT_TRUE(user.load(program, 6));
  UserContext& c = user.context();
  c.frame.sp = DATA + 0x100;
  c.frame.x[3] = 0x5a5a;
  ASSERT_EQ(static_cast<int>(user.run_past_interrupts().kind),
            static_cast<int>(UserExitKind::SystemCall));
  // The system call's PC is past the SVC, the sixth instruction.
  EXPECT_EQ(c.frame.elr, CODE + 6 * 4);
  EXPECT_EQ(c.frame.x[0], id_register_user_value(SysReg{3, 0, 0, 6, 0}).value());
  EXPECT_EQ(c.frame.x[1], midr());
  EXPECT_EQ(c.frame.x[2], MPIDR_USER);
  EXPECT_EQ(c.frame.x[3], uint64_t{0});
  // The read into XZR wrote nothing: the stack pointer, next to x30 in the frame, is unchanged.
  EXPECT_EQ(c.frame.sp, DATA + 0x100);
}

KTEST(arm64_id_registers, el0_mrs_linux_does_not_emulate_is_a_fault_at_the_mrs) {
  // ID_PFR0_EL1 (trapped as class 0x18) and SCTLR_EL1 (undefined at EL0, class 0x00).
  const uint32_t program[] = {mrs(0, 0, 1, 0), mrs(0, 1, 0, 0)};
  UserProgram user;
  ASSERT_TRUE(user.load(program, 2));
  UserContext& c = user.context();
  c.frame.x[0] = 0x5a5a;
  for (unsigned i = 0; i < 2; i++) {
    arch_user_set_pc(&c, CODE + 4 * i);
    const UserExit exit = user.run_past_interrupts();
    KTEST_NOTE("MRS %u: exception class %#x", i, exit.trap.vector);
    ASSERT_EQ(static_cast<int>(exit.kind), static_cast<int>(UserExitKind::Fault));
    EXPECT_EQ(exit.trap.pc, CODE + 4 * i);
    EXPECT_EQ(c.frame.x[0], uint64_t{0x5a5a});
  }
}

KTEST(arm64_id_registers, an_undefined_mrs_is_emulated_from_its_instruction) {
  // The exception a CPU without FEAT_IDST takes: class 0x00 at an MRS of MIDR_EL1 into x4;
  // then the same at UDF, which is no MRS.
  const uint32_t program[] = {mrs(4, 0, 0, 0), UDF_0};
  UserProgram user;
  ASSERT_TRUE(user.load(program, 2));
  UserContext& c = user.context();
  c.frame.esr = uint64_t{arm64::EC_UNKNOWN} << arm64::ESR_EC_SHIFT;
  c.frame.elr = CODE;
  ASSERT_TRUE(arm64::emulate_user_id_register_read(c));
  EXPECT_EQ(c.frame.x[4], midr());
  EXPECT_EQ(c.frame.elr, CODE + 4);
  c.frame.x[4] = 0;
  EXPECT_FALSE(arm64::emulate_user_id_register_read(c));
  EXPECT_EQ(c.frame.elr, CODE + 4);
  EXPECT_EQ(c.frame.x[4], uint64_t{0});
}
