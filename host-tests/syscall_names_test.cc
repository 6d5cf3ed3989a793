// syscall_name over the generated tables (kernel/proc/syscall_name_tables.h): each arch's own
// numbers, the unified range (424 on) written once for both, a unified-range number only one
// arch has, and numbers neither table has. The expected names are Linux 6.12's syscall.tbl rows.

#include "kernel/proc/syscall_names.h"

#include <gtest/gtest.h>

#include <string>

namespace {

struct Expected {
  uint64_t number;
  const char* arm64;  // nullptr: arm64's table has no such number
  const char* ppc64;  // likewise powerpc64's, for ELFv1 and ELFv2 alike
};

constexpr Expected EXPECTED[] = {
    // Below 424 each arch numbers its calls its own way.
    {0, "io_setup", "restart_syscall"},
    {90, "capget", "mmap"},
    {222, "mmap", "sched_setaffinity"},
    {294, "kexec_file_load", "linkat"},
    {402, nullptr, "msgctl"},
    // The unified range: one number, one call, on every arch.
    {424, "pidfd_send_signal", "pidfd_send_signal"},
    {435, "clone3", "clone3"},
    {462, "mseal", "mseal"},
    // memfd_secret is an arm64 ABI of scripts/syscall.tbl; powerpc's table has no 447.
    {447, "memfd_secret", nullptr},
    // Gaps in each arch's 64-bit table (arm64 244-259, powerpc 389-391), and past mseal.
    {244, nullptr, "timer_delete"},
    {389, nullptr, nullptr},
    {463, nullptr, nullptr},
    {uint64_t{1} << 40, nullptr, nullptr},
};

std::string name_or_none(const char* name) { return name == nullptr ? "(none)" : name; }

TEST(SyscallNames, NameEachArchsNumbersAsLinuxDoes) {
  for (const Expected& e : EXPECTED) {
    SCOPED_TRACE(e.number);
    EXPECT_EQ(name_or_none(syscall_name(ElfAbi::Arm64, e.number)), name_or_none(e.arm64));
    EXPECT_EQ(name_or_none(syscall_name(ElfAbi::PpcElfV1, e.number)), name_or_none(e.ppc64));
    EXPECT_EQ(name_or_none(syscall_name(ElfAbi::PpcElfV2, e.number)), name_or_none(e.ppc64));
  }
}

}  // namespace
