// The user-memory accesses of kernel/arch/uaccess.h on powerpc: they go through the active
// address space with the program's permissions, stop byte-exactly at the first fault (unmapped,
// read-only, PROT_NONE, a kernel address, the end of the user half, a wrapping range) and never
// trap, and leave real mode with KUAP closed behind them. A kernel access to user memory outside
// them, with data relocation on, is stopped by the AMR.

#include "arch/powerpc/radix.h"
#include "arch/powerpc/radix_page_table.h"
#include "arch/powerpc/regs.h"
#include "arch/powerpc/tests/user_program.h"
#include "kernel/arch/uaccess.h"
#include "kernel/lib/recover.h"
#include "kernel/lib/string.h"
#include "kernel/mm/physical_pages.h"
#include "kernel/test/test.h"

extern "C" uint64_t powerpc_translated_load(uint64_t address);

namespace {

uint64_t g_kernel_word = 0x4b4b4b4b;

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

unsigned char* data_bytes(const UserProgram& program) {
  return reinterpret_cast<unsigned char*>(program.data());
}

void expect_access(UserAccess access, size_t done, bool faulted) {
  EXPECT_EQ(access.done, done);
  EXPECT_EQ(access.faulted, faulted);
}

}  // namespace

KTEST(powerpc_user_access, copies_follow_the_program_mappings) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_spin)).is_ok());
  static const char message[] = "from the kernel";
  expect_access(arch_copy_to_user(USER_DATA + 100, message, sizeof(message)), sizeof(message),
                false);
  EXPECT_EQ(klib::mem_compare(data_bytes(program) + 100, message, sizeof(message)), 0);
  char back[sizeof(message)] = {};
  expect_access(arch_copy_from_user(back, USER_DATA + 100, sizeof(back)), sizeof(back), false);
  EXPECT_EQ(klib::mem_compare(back, message, sizeof(message)), 0);
  expect_access(arch_copy_from_user(back, USER_DATA, 0), 0, false);
  expect_kernel_state();
  user_program_finish(&program);
}

KTEST(powerpc_user_access, bad_user_addresses_fault_at_the_first_bad_byte) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_spin)).is_ok());
  // No NUL anywhere, so that the string copies run as far as the others.
  char buffer[16];
  klib::mem_set(buffer, 'b', sizeof(buffer));
  klib::mem_set(data_bytes(program), 'd', PAGE_SIZE);
  struct Case {
    uint64_t address;
    size_t size;
    size_t done;
  };
  const Case cases[] = {
      {USER_DATA + PAGE_SIZE, 1, 0},                 // unmapped
      {USER_DATA + PAGE_SIZE - 8, 16, 8},            // runs off the end of the mapping
      {RADIX_USER_END - 8, 16, 0},                   // leaves the user half (nothing mapped)
      {0xc000'0000'0040'0000, 8, 0},                 // the kernel's quadrant
      {0xffff'ffff'ffff'fff8, sizeof(buffer), 0},    // wraps
      {USER_DATA, ~uint64_t{0} - USER_DATA + 2, 0},  // wraps, from a mapped page
  };
  for (const Case& c : cases) {
    KTEST_NOTE("address %#llx size %#llx", static_cast<unsigned long long>(c.address),
               static_cast<unsigned long long>(c.size));
    const size_t size = c.size < sizeof(buffer) ? c.size : sizeof(buffer);
    const bool wraps = c.size != size;
    // A wrapping size only goes to the accesses that never reach the kernel buffer.
    if (!wraps) {
      expect_access(arch_copy_from_user(buffer, c.address, size), c.done, true);
      expect_access(arch_copy_to_user(c.address, buffer, size), c.done, true);
      expect_access(arch_strncpy_from_user(buffer, c.address, size), c.done, true);
    }
    expect_access(arch_clear_user(c.address, c.size), c.done, true);
    expect_kernel_state();
  }
  EXPECT_EQ(data_bytes(program)[PAGE_SIZE - 9], 'd');
  EXPECT_EQ(data_bytes(program)[PAGE_SIZE - 8], 0u);
  // The code page is read-only for the program, so for the kernel's copies too.
  expect_access(arch_copy_from_user(buffer, USER_CODE, sizeof(buffer)), sizeof(buffer), false);
  expect_access(arch_copy_to_user(USER_CODE, buffer, sizeof(buffer)), 0, true);
  expect_access(arch_clear_user(USER_CODE, sizeof(buffer)), 0, true);
  // Execute-only: the program cannot read it, so neither can the copies.
  program.mmu.protect(program.mmu.context, USER_DATA, USER_DATA + PAGE_SIZE, VM_EXEC);
  expect_access(arch_copy_from_user(buffer, USER_DATA, sizeof(buffer)), 0, true);
  // PROT_NONE: present, no access.
  program.mmu.protect(program.mmu.context, USER_DATA, USER_DATA + PAGE_SIZE, VM_NONE);
  expect_access(arch_copy_from_user(buffer, USER_DATA, sizeof(buffer)), 0, true);
  expect_access(arch_strncpy_from_user(buffer, USER_DATA, sizeof(buffer)), 0, true);
  // No address space active.
  arch_aspace_activate(nullptr);
  expect_access(arch_copy_from_user(buffer, USER_CODE, sizeof(buffer)), 0, true);
  expect_kernel_state();
  user_program_finish(&program);
}

// With relocation on, a privileged access to quadrant 3 would reach the kernel's own memory
// through the linear map: the accesses must refuse it as a user address.
KTEST(powerpc_user_access, the_kernel_linear_map_is_not_user_memory) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_spin)).is_ok());
  const uint64_t linear = radix::KERNEL_LINEAR + reinterpret_cast<uint64_t>(&g_kernel_word);
  uint64_t word = 0;
  expect_access(arch_copy_from_user(&word, linear, sizeof(word)), 0, true);
  EXPECT_EQ(word, 0u);
  const uint64_t value = 1;
  expect_access(arch_copy_to_user(linear, &value, sizeof(value)), 0, true);
  expect_access(arch_clear_user(linear, sizeof(value)), 0, true);
  EXPECT_EQ(g_kernel_word, 0x4b4b4b4bu);
  expect_kernel_state();
  user_program_finish(&program);
}

KTEST(powerpc_user_access, accesses_end_exactly_at_the_end_of_the_user_half) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_spin)).is_ok());
  Result<uint64_t> page = physical_pages().alloc(1);
  ASSERT_TRUE(page.is_ok());
  auto* bytes = static_cast<unsigned char*>(arch_phys_to_virt(page.value()));
  klib::mem_set(bytes, 'u', PAGE_SIZE);
  const uint64_t last_page = RADIX_USER_END - PAGE_SIZE;
  ASSERT_TRUE(
      program.mmu.map(program.mmu.context, last_page, page.value(), PAGE_SIZE, VM_READ | VM_WRITE)
          .is_ok());

  char buffer[16] = {};
  expect_access(arch_copy_from_user(buffer, RADIX_USER_END - 8, sizeof(buffer)), 8, true);
  EXPECT_EQ(buffer[7], 'u');
  EXPECT_EQ(buffer[8], 0);
  expect_access(arch_copy_to_user(RADIX_USER_END - 4, buffer, sizeof(buffer)), 4, true);
  expect_access(arch_clear_user(RADIX_USER_END - 2, 8), 2, true);
  EXPECT_EQ(bytes[PAGE_SIZE - 1], 0u);
  EXPECT_EQ(bytes[PAGE_SIZE - 2], 0u);
  EXPECT_EQ(bytes[PAGE_SIZE - 3], 'u');
  // A string whose NUL is the last user byte ends there; one without a NUL faults after it.
  klib::mem_copy(bytes + PAGE_SIZE - 4, "abc", 4);
  klib::mem_set(buffer, 'x', sizeof(buffer));
  expect_access(arch_strncpy_from_user(buffer, RADIX_USER_END - 4, sizeof(buffer)), 4, false);
  bytes[PAGE_SIZE - 1] = 'v';
  expect_access(arch_strncpy_from_user(buffer, RADIX_USER_END - 4, sizeof(buffer)), 4, true);
  EXPECT_EQ(buffer[3], 'v');
  expect_kernel_state();

  program.mmu.unmap(program.mmu.context, last_page, RADIX_USER_END);
  physical_pages().free(page.value(), 1);
  user_program_finish(&program);
}

KTEST(powerpc_user_access, clear_user_zeroes_what_the_program_can_write) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_spin)).is_ok());
  klib::mem_set(data_bytes(program), 0xa5, PAGE_SIZE);
  expect_access(arch_clear_user(USER_DATA + 10, 20), 20, false);
  EXPECT_EQ(data_bytes(program)[9], 0xa5u);
  for (unsigned i = 10; i < 30; i++) EXPECT_EQ(data_bytes(program)[i], 0u);
  EXPECT_EQ(data_bytes(program)[30], 0xa5u);
  // Byte-exact at the end of the mapping.
  expect_access(arch_clear_user(USER_DATA + PAGE_SIZE - 3, 8), 3, true);
  EXPECT_EQ(data_bytes(program)[PAGE_SIZE - 1], 0u);
  EXPECT_EQ(data_bytes(program)[PAGE_SIZE - 3], 0u);
  EXPECT_EQ(data_bytes(program)[PAGE_SIZE - 4], 0xa5u);
  expect_access(arch_clear_user(USER_DATA, 0), 0, false);
  expect_kernel_state();
  user_program_finish(&program);
}

KTEST(powerpc_user_access, strncpy_from_user_stops_after_the_nul) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_spin)).is_ok());
  klib::mem_copy(data_bytes(program) + 100, "kernel\0tail", 11);
  char name[16];
  klib::mem_set(name, 'x', sizeof(name));
  expect_access(arch_strncpy_from_user(name, USER_DATA + 100, sizeof(name)), 7, false);
  EXPECT_TRUE(klib::str_equal(name, "kernel"));
  EXPECT_EQ(name[7], 'x');
  // At most n bytes: no NUL among them.
  klib::mem_set(name, 'x', sizeof(name));
  expect_access(arch_strncpy_from_user(name, USER_DATA + 100, 3), 3, false);
  EXPECT_EQ(klib::mem_compare(name, "kerx", 4), 0);
  // An empty string is its NUL.
  expect_access(arch_strncpy_from_user(name, USER_DATA + 106, sizeof(name)), 1, false);
  EXPECT_EQ(name[0], '\0');
  // A string that runs off the end of the mapping.
  klib::mem_set(data_bytes(program) + PAGE_SIZE - 4, 'z', 4);
  expect_access(arch_strncpy_from_user(name, USER_DATA + PAGE_SIZE - 4, sizeof(name)), 4, true);
  EXPECT_EQ(name[3], 'z');
  expect_kernel_state();
  user_program_finish(&program);
}

KTEST(powerpc_user_access, kernel_access_outside_the_helpers_traps) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_spin)).is_ok());
  program.data()[0] = 0x5eed;
  uint64_t value = 0;
  expect_access(arch_copy_from_user(&value, USER_DATA, sizeof(value)), sizeof(value), false);
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
