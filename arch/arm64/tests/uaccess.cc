// The user-memory copies (kernel/arch/uaccess.h) on arm64: they read and write what the program
// can, stop byte-exactly at the first fault (unmapped, read-only, a kernel address, a wrapping
// range) and never trap; outside them PAN makes any kernel access to a user page trap.

#include "arch/arm64/uaccess.h"
#include "arch/arm64/esr.h"
#include "arch/arm64/tests/fault_probes.h"
#include "arch/arm64/tests/user_program.h"
#include "kernel/arch/uaccess.h"
#include "kernel/lib/recover.h"
#include "kernel/lib/string.h"
#include "kernel/test/test.h"

using namespace arm64_test;

namespace {

uint64_t g_kernel_word = 0x4b4b4b4b;

unsigned char* data_bytes(UserProgram& user) {
  return reinterpret_cast<unsigned char*>(user.data());
}

void fill(UserProgram& user) {
  for (unsigned i = 0; i < PAGE_SIZE; i++) data_bytes(user)[i] = static_cast<unsigned char>(i * 7);
}

}  // namespace

KTEST(arm64_uaccess, copy_from_user_reads_what_the_program_can) {
  UserProgram user;
  ASSERT_TRUE(user.load(nullptr, 0));
  fill(user);
  unsigned char buffer[24];
  const UserAccess access = arch_copy_from_user(buffer, DATA + 3, sizeof(buffer));
  EXPECT_FALSE(access.faulted);
  EXPECT_EQ(access.done, sizeof(buffer));
  for (unsigned i = 0; i < sizeof(buffer); i++) EXPECT_EQ(buffer[i], data_bytes(user)[3 + i]);
  // Read-only and executable memory can be read too.
  uint32_t word = 0;
  EXPECT_FALSE(arch_copy_from_user(&word, CODE, 4).faulted);
}

KTEST(arm64_uaccess, a_copy_stops_exactly_at_the_fault) {
  UserProgram user;
  ASSERT_TRUE(user.load(nullptr, 0));
  fill(user);
  unsigned char buffer[16] = {};
  const UserAccess access = arch_copy_from_user(buffer, DATA + PAGE_SIZE - 5, sizeof(buffer));
  EXPECT_TRUE(access.faulted);
  EXPECT_EQ(access.done, 5u);
  EXPECT_EQ(buffer[4], data_bytes(user)[PAGE_SIZE - 1]);
  EXPECT_EQ(buffer[5], 0u);

  const UserAccess clear = arch_clear_user(DATA + PAGE_SIZE - 3, 8);
  EXPECT_TRUE(clear.faulted);
  EXPECT_EQ(clear.done, 3u);
  EXPECT_EQ(data_bytes(user)[PAGE_SIZE - 1], 0u);
  EXPECT_NE(data_bytes(user)[PAGE_SIZE - 4], 0u);
}

KTEST(arm64_uaccess, copy_to_user_respects_the_program_permissions) {
  UserProgram user;
  ASSERT_TRUE(user.load(nullptr, 0));
  const char text[] = "maplet";
  UserAccess access = arch_copy_to_user(DATA + 8, text, sizeof(text));
  EXPECT_FALSE(access.faulted);
  EXPECT_EQ(access.done, sizeof(text));
  EXPECT_TRUE(klib::str_equal(reinterpret_cast<const char*>(data_bytes(user) + 8), "maplet"));

  user.mmu().protect(user.mmu().context, DATA, DATA + PAGE_SIZE, VM_READ);
  access = arch_copy_to_user(DATA + 8, "MAPLET", 7);
  EXPECT_TRUE(access.faulted);
  EXPECT_EQ(access.done, 0u);
  EXPECT_TRUE(klib::str_equal(reinterpret_cast<const char*>(data_bytes(user) + 8), "maplet"));
  EXPECT_TRUE(arch_copy_to_user(CODE, text, 1).faulted);
  EXPECT_TRUE(arch_clear_user(CODE, 1).faulted);
}

KTEST(arm64_uaccess, kernel_addresses_and_wrapping_ranges_fault) {
  UserProgram user;
  ASSERT_TRUE(user.load(nullptr, 0));
  const uint64_t kernel = reinterpret_cast<uint64_t>(&g_kernel_word);
  uint64_t word = 0;
  UserAccess access = arch_copy_from_user(&word, kernel, sizeof(word));
  EXPECT_TRUE(access.faulted);
  EXPECT_EQ(access.done, 0u);
  EXPECT_EQ(word, 0u);
  const uint64_t value = 1;
  EXPECT_TRUE(arch_copy_to_user(kernel, &value, sizeof(value)).faulted);
  EXPECT_TRUE(arch_clear_user(kernel, sizeof(value)).faulted);
  EXPECT_EQ(g_kernel_word, 0x4b4b4b4bu);

  // Ranges that wrap past 2^64 fault before the first byte. (The top of the address space is
  // the kernel's, so LDTR alone would fault there too: this cannot tell the range check from it.)
  access = arch_copy_from_user(&word, ~uint64_t{0} - 3, sizeof(word));
  EXPECT_TRUE(access.faulted);
  EXPECT_EQ(access.done, 0u);
  EXPECT_TRUE(arch_copy_from_user(&word, ~uint64_t{0} - DATA + 1, 2 * DATA).faulted);
  EXPECT_EQ(word, 0u);
}

KTEST(arm64_uaccess, strncpy_from_user_stops_after_the_nul) {
  UserProgram user;
  ASSERT_TRUE(user.load(nullptr, 0));
  klib::mem_copy(data_bytes(user) + 100, "kernel\0tail", 11);
  char name[16];
  klib::mem_set(name, 'x', sizeof(name));
  UserAccess access = arch_strncpy_from_user(name, DATA + 100, sizeof(name));
  EXPECT_FALSE(access.faulted);
  EXPECT_EQ(access.done, 7u);
  EXPECT_TRUE(klib::str_equal(name, "kernel"));
  EXPECT_EQ(name[7], 'x');

  access = arch_strncpy_from_user(name, DATA + 100, 3);
  EXPECT_FALSE(access.faulted);
  EXPECT_EQ(access.done, 3u);

  // A string that runs off the end of the mapping.
  klib::mem_set(data_bytes(user) + PAGE_SIZE - 4, 'z', 4);
  access = arch_strncpy_from_user(name, DATA + PAGE_SIZE - 4, sizeof(name));
  EXPECT_TRUE(access.faulted);
  EXPECT_EQ(access.done, 4u);
}

KTEST(arm64_uaccess, without_an_address_space_every_copy_faults) {
  UserProgram user;
  ASSERT_TRUE(user.load(nullptr, 0));
  arch_aspace_activate(nullptr);
  uint64_t word = 0;
  EXPECT_TRUE(arch_copy_from_user(&word, DATA, sizeof(word)).faulted);
}

KTEST(arm64_uaccess, pan_traps_kernel_access_outside_the_copies) {
  if (!arm64::pan_enabled()) KTEST_SKIP("no FEAT_PAN");
  UserProgram user;
  ASSERT_TRUE(user.load(nullptr, 0));
  for (int store = 0; store < 2; store++) {
    Fault fault;
    auto load = [] { (void)arm64_probe_load(DATA); };
    auto write = [] { arm64_probe_store(DATA); };
    const bool returned =
        store != 0 ? run_recoverable(write, &fault) : run_recoverable(load, &fault);
    ASSERT_FALSE(returned);
    ASSERT_EQ(fault.cause, Fault::Cause::Trap);
    EXPECT_FALSE(fault.trap.from_user);
    EXPECT_EQ(fault.trap.vector, uint32_t{arm64::EC_DABT_CURRENT});
    EXPECT_EQ(fault.trap.address, DATA);
    EXPECT_EQ(arm64::esr_fsc(fault.trap.syndrome) & ~3u, uint32_t{arm64::FSC_PERMISSION});
  }
  // The copies themselves still work.
  uint64_t word = 1;
  EXPECT_FALSE(arch_copy_from_user(&word, DATA, sizeof(word)).faulted);
  EXPECT_EQ(word, 0u);
}
