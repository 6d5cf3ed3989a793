// What arch_user_fault_signalled keeps of a fault for later signal frames, per kind of fault, as
// Linux's EL0 handlers record thread.fault_address and thread.fault_code: an abort's untagged
// address and ESR, reduced for a kernel address to a level 0 translation fault with only EC, IL
// (and for a data abort CM and WnR); 0 and the ESR for a PC alignment fault; nothing at all for
// an undefined instruction; a breakpoint leaves the record as it was; a bad rt_sigreturn's SIGSEGV
// (arm64_notify_segfault, through arm64_notify_die) clears it. The oracle program
// fault_context checks the frames themselves against Linux; the reduced ESR needs syndrome bits
// a real fault from EL0 on a kernel address does not set, so it is checked here.

#include "arch/arm64/esr.h"
#include "arch/arm64/user_context.h"
#include "kernel/arch/mmu.h"
#include "kernel/arch/signal_frame.h"
#include "kernel/arch/user.h"
#include "kernel/test/test.h"

namespace {

constexpr uint64_t EC_SHIFTED_DABT = uint64_t{arm64::EC_DABT_LOWER} << arm64::ESR_EC_SHIFT;
constexpr uint64_t EC_SHIFTED_IABT = uint64_t{arm64::EC_IABT_LOWER} << arm64::ESR_EC_SHIFT;
constexpr uint64_t IL = uint64_t{1} << arm64::ESR_IL_BIT;
constexpr uint64_t ISV = uint64_t{1} << 24;  // ISS.ISV, with SAS, SRT and the rest beside it
constexpr uint64_t SRT_5 = uint64_t{5} << 16;
constexpr uint64_t CM = uint64_t{1} << arm64::ESR_CM_BIT;
constexpr uint64_t WNR = uint64_t{1} << arm64::ESR_WNR_BIT;
constexpr uint64_t PERMISSION_L3 = arm64::FSC_PERMISSION | 3;
constexpr uint64_t KERNEL_ADDRESS = 0xffff000012345678;
constexpr uint64_t USER_ADDRESS = 0x0000ffff00001238;
constexpr uint64_t TAG = uint64_t{0x5a} << 56;

// Records the fault of a program whose last exit had `esr` and `far`.
arm64::FaultRecord record_after(UserContext& context, uint64_t esr, uint64_t far) {
  context.frame.esr = esr;
  context.frame.far = far;
  TrapInfo trap{};
  trap.syndrome = esr;
  arch_user_fault_signalled(&context, trap);
  return context.fault;
}

}  // namespace

KTEST(arm64_user_fault_record, a_user_abort_keeps_its_esr_and_the_untagged_address) {
  UserContext context{};
  const uint64_t esr = EC_SHIFTED_DABT | IL | ISV | SRT_5 | WNR | PERMISSION_L3;
  const arm64::FaultRecord r = record_after(context, esr, USER_ADDRESS | TAG);
  EXPECT_EQ(r.address, USER_ADDRESS);
  EXPECT_EQ(r.esr, esr);
}

KTEST(arm64_user_fault_record, a_kernel_address_reads_as_a_level_0_translation_fault) {
  UserContext context{};
  const arm64::FaultRecord data = record_after(
      context, EC_SHIFTED_DABT | IL | ISV | SRT_5 | CM | WNR | PERMISSION_L3, KERNEL_ADDRESS);
  EXPECT_EQ(data.address, KERNEL_ADDRESS);
  EXPECT_EQ(data.esr, EC_SHIFTED_DABT | IL | CM | WNR | arm64::FSC_TRANSLATION);
  // An instruction abort keeps only the class and IL.
  const arm64::FaultRecord instruction =
      record_after(context, EC_SHIFTED_IABT | IL | (1u << 9) | PERMISSION_L3, KERNEL_ADDRESS);
  EXPECT_EQ(instruction.address, KERNEL_ADDRESS);
  EXPECT_EQ(instruction.esr, EC_SHIFTED_IABT | IL | arm64::FSC_TRANSLATION);
}

// Where user addresses end follows the user VA size: 2^50 is a program's with 52-bit VAs
// (FEAT_LPA2) and beyond TASK_SIZE with 48-bit ones.
KTEST(arm64_user_fault_record, the_user_half_ends_at_task_size) {
  UserContext context{};
  constexpr uint64_t HIGH = uint64_t{1} << 50;
  const uint64_t esr = EC_SHIFTED_DABT | IL | ISV | SRT_5 | WNR | PERMISSION_L3;
  const arm64::FaultRecord r = record_after(context, esr, HIGH);
  EXPECT_EQ(r.address, HIGH);
  if (arch_user_task_size() > HIGH) {
    EXPECT_EQ(r.esr, esr);
  } else {
    EXPECT_EQ(r.esr, EC_SHIFTED_DABT | IL | WNR | arm64::FSC_TRANSLATION);
  }
}

KTEST(arm64_user_fault_record, each_kind_records_what_linux_records) {
  UserContext context{};
  const uint64_t abort = EC_SHIFTED_DABT | IL | arm64::FSC_TRANSLATION | 3;
  (void)record_after(context, abort, USER_ADDRESS);
  // BRK: the record stays.
  const uint64_t brk = (uint64_t{arm64::EC_BRK64} << arm64::ESR_EC_SHIFT) | IL | 7;
  arm64::FaultRecord r = record_after(context, brk, 0);
  EXPECT_EQ(r.address, USER_ADDRESS);
  EXPECT_EQ(r.esr, abort);
  // An external abort: arm64_notify_die, no address.
  const uint64_t external = EC_SHIFTED_DABT | IL | arm64::FSC_EXTERNAL;
  r = record_after(context, external, USER_ADDRESS);
  EXPECT_EQ(r.address, uint64_t{0});
  EXPECT_EQ(r.esr, external);
  // A PC alignment fault: no address, its ESR.
  const uint64_t pc_alignment = (uint64_t{arm64::EC_PC_ALIGNMENT} << arm64::ESR_EC_SHIFT) | IL;
  (void)record_after(context, abort, USER_ADDRESS);
  r = record_after(context, pc_alignment, USER_ADDRESS + 2);
  EXPECT_EQ(r.address, uint64_t{0});
  EXPECT_EQ(r.esr, pc_alignment);
  // An undefined instruction and a BTI fault: nothing.
  const uint32_t nothing[] = {arm64::EC_UNKNOWN, arm64::EC_BTI};
  for (const uint32_t ec : nothing) {
    (void)record_after(context, abort, USER_ADDRESS);
    r = record_after(context, (uint64_t{ec} << arm64::ESR_EC_SHIFT) | IL, 0);
    EXPECT_EQ(r.address, uint64_t{0});
    EXPECT_EQ(r.esr, uint64_t{0});
  }
}

KTEST(arm64_user_fault_record, a_bad_sigreturn_clears_the_record) {
  UserContext context{};
  const uint64_t abort = EC_SHIFTED_DABT | IL | WNR | PERMISSION_L3;
  (void)record_after(context, abort, USER_ADDRESS);
  EXPECT_TRUE(arch_signal_return_failed(&context));
  EXPECT_EQ(context.fault.address, uint64_t{0});
  EXPECT_EQ(context.fault.esr, uint64_t{0});
}
