// The user-access primitive: copies through the active address space with the program's
// permissions, EFAULT (never a kernel trap) for unmapped, read-only, PROT_NONE, kernel and
// wrapping addresses, and real mode with KUAP closed afterwards. A kernel access to user memory
// outside the primitive, with data relocation on, is stopped by the AMR.

#include "arch/powerpc/radix_page_table.h"
#include "arch/powerpc/regs.h"
#include "arch/powerpc/tests/user_program.h"
#include "kernel/arch/uaccess.h"
#include "kernel/lib/recover.h"
#include "kernel/lib/string.h"
#include "kernel/mm/page_allocator.h"
#include "kernel/test/test.h"

extern "C" uint64_t powerpc_translated_load(uint64_t address);

namespace {

uint64_t read_msr() {
  uint64_t msr;
  asm volatile("mfmsr %0" : "=r"(msr));
  return msr;
}

uint64_t read_amr() {
  uint64_t amr;
  asm volatile("mfspr %0, %1" : "=r"(amr) : "i"(SPRN_AMR));
  return amr;
}

void expect_kernel_state() {
  EXPECT_EQ(read_msr() & (MSR_DR | MSR_IR), 0u);
  EXPECT_EQ(read_amr(), AMR_KUAP_BLOCKED);
}

}  // namespace

KTEST(powerpc_user_access, copies_follow_the_program_mappings) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_spin)).is_ok());
  static const char message[] = "from the kernel";
  ASSERT_TRUE(arch_copy_to_user(USER_DATA + 100, message, sizeof(message)).is_ok());
  EXPECT_EQ(
      klib::mem_compare(reinterpret_cast<char*>(program.data()) + 100, message, sizeof(message)),
      0);
  char back[sizeof(message)] = {};
  ASSERT_TRUE(arch_copy_from_user(back, USER_DATA + 100, sizeof(back)).is_ok());
  EXPECT_EQ(klib::mem_compare(back, message, sizeof(message)), 0);
  EXPECT_TRUE(arch_copy_from_user(back, USER_DATA, 0).is_ok());
  expect_kernel_state();
  user_program_finish(&program);
}

KTEST(powerpc_user_access, bad_user_addresses_are_efault) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_spin)).is_ok());
  char buffer[16] = {};
  struct Case {
    uint64_t address;
    size_t size;
  };
  const Case cases[] = {
      {USER_DATA + PAGE_SIZE, 1},               // unmapped
      {USER_DATA + PAGE_SIZE - 8, 16},          // runs off the end of the mapping
      {RADIX_USER_END - 8, 16},                 // leaves the user half
      {0xc000'0000'0040'0000, 8},               // the kernel's quadrant
      {0xffff'ffff'ffff'fff8, sizeof(buffer)},  // wraps
  };
  for (const Case& c : cases) {
    Result<void> from = arch_copy_from_user(buffer, c.address, c.size);
    ASSERT_TRUE(from.is_error());
    EXPECT_EQ(from.error(), Error::Fault);
    Result<void> to = arch_copy_to_user(c.address, buffer, c.size);
    ASSERT_TRUE(to.is_error());
    EXPECT_EQ(to.error(), Error::Fault);
    expect_kernel_state();
  }
  // The code page is read-only for the program, so for the kernel's copies too.
  EXPECT_TRUE(arch_copy_from_user(buffer, USER_CODE, sizeof(buffer)).is_ok());
  EXPECT_TRUE(arch_copy_to_user(USER_CODE, buffer, sizeof(buffer)).is_error());
  // PROT_NONE: present, no access.
  program.mmu.protect(program.mmu.context, USER_DATA, USER_DATA + PAGE_SIZE, VM_NONE);
  EXPECT_TRUE(arch_copy_from_user(buffer, USER_DATA, sizeof(buffer)).is_error());
  // No address space active.
  arch_aspace_activate(nullptr);
  EXPECT_TRUE(arch_copy_from_user(buffer, USER_CODE, sizeof(buffer)).is_error());
  expect_kernel_state();
  user_program_finish(&program);
}

KTEST(powerpc_user_access, kernel_access_outside_the_helpers_traps) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_spin)).is_ok());
  program.data()[0] = 0x5eed;
  uint64_t value = 0;
  ASSERT_TRUE(arch_copy_from_user(&value, USER_DATA, sizeof(value)).is_ok());
  EXPECT_EQ(value, 0x5eedu);

  Fault fault;
  auto body = [] { (void)powerpc_translated_load(USER_DATA); };
  ASSERT_FALSE(run_recoverable(body, &fault));
  KTEST_NOTE("banner: %s", fault.message);
  ASSERT_EQ(fault.cause, Fault::Cause::Trap);
  EXPECT_EQ(fault.trap.kind, TrapKind::DataAbort);
  EXPECT_FALSE(fault.trap.from_user);
  EXPECT_EQ(fault.trap.access, TrapAccess::Read);
  EXPECT_EQ(fault.trap.address, USER_DATA);
  expect_kernel_state();
  user_program_finish(&program);
}
