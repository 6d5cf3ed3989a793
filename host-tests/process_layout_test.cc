// The address-space layout of a new program (Linux 6.12's randomize_stack_top, mmap_base and
// arch_randomize_brk for a 64-bit task with an 8 MiB stack rlimit) on both arches, with and
// without randomisation, and the system call tables' lookups.

#include <gtest/gtest.h>

#include "kernel/mm/page_allocator.h"
#include "kernel/proc/mm_layout.h"
#include "kernel/proc/process_arch.h"

namespace {

uint64_t g_next = 0;
uint64_t fixed_random() { return g_next; }

constexpr uint64_t MIB = uint64_t{1} << 20;

}  // namespace

TEST(ProcessLayout, NorandmapsPutsTheStackAtTheTopAndMmapBelowTheMinimumGap) {
  for (const ProcessArch* arch : {&PROCESS_ARCH_ARM64, &PROCESS_ARCH_PPC64}) {
    const NewMmLayout l = new_mm_layout(*arch, false, fixed_random);
    EXPECT_EQ(l.stack_top, arch->stack_top);
    // 8 MiB + the 1 MiB guard gap is below MIN_GAP, so the gap is 128 MiB.
    EXPECT_EQ(l.mmap_base, arch->stack_top - 128 * MIB);
    EXPECT_EQ(l.unmapped_base, arch->stack_top / 4);
    EXPECT_EQ(randomize_brk(0x403000, false, fixed_random), 0x403000u);
  }
  EXPECT_EQ(PROCESS_ARCH_ARM64.stack_top, uint64_t{1} << 48);
  EXPECT_EQ(PROCESS_ARCH_PPC64.stack_top, uint64_t{1} << 46);
}

TEST(ProcessLayout, RandomisationStaysInLinuxsRanges) {
  for (const ProcessArch* arch : {&PROCESS_ARCH_ARM64, &PROCESS_ARCH_PPC64}) {
    for (uint64_t r : {uint64_t{0}, uint64_t{0x123456789abcdef}, ~uint64_t{0}}) {
      g_next = r;
      const NewMmLayout l = new_mm_layout(*arch, true, fixed_random);
      EXPECT_EQ(l.stack_top % PAGE_SIZE, 0u);
      EXPECT_LE(l.stack_top, arch->stack_top);
      EXPECT_GT(l.stack_top, arch->stack_top - (uint64_t{1} << 30));  // STACK_RND_MASK: 1 GiB
      // The gap now counts the stack's random range: 8 MiB + 1 MiB + 1 GiB (- a page).
      const uint64_t gap = 8 * MIB + MIB + arch->stack_random_range;
      const uint64_t rnd = (r & ((uint64_t{1} << arch->mmap_random_bits) - 1)) << PAGE_SHIFT;
      EXPECT_EQ(l.mmap_base, (arch->stack_top - gap - rnd + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
      const uint64_t brk = randomize_brk(0x403000, true, fixed_random);
      EXPECT_GE(brk, 0x403000u);
      EXPECT_LT(brk, 0x403000u + (uint64_t{1} << 30));
      EXPECT_EQ(brk % PAGE_SIZE, 0u);
    }
  }
}

TEST(ProcessLayout, SyscallLookupByArch) {
  EXPECT_EQ(PROCESS_ARCH_ARM64.syscall(64), Syscall::Write);
  EXPECT_EQ(PROCESS_ARCH_PPC64.syscall(4), Syscall::Write);
  EXPECT_EQ(PROCESS_ARCH_PPC64.syscall(64), Syscall::Getppid);
  EXPECT_EQ(PROCESS_ARCH_ARM64.syscall(134), Syscall::RtSigaction);
  EXPECT_EQ(PROCESS_ARCH_PPC64.syscall(173), Syscall::RtSigaction);
  EXPECT_EQ(PROCESS_ARCH_ARM64.syscall(139), Syscall::RtSigreturn);
  EXPECT_EQ(PROCESS_ARCH_PPC64.syscall(172), Syscall::RtSigreturn);
  EXPECT_EQ(PROCESS_ARCH_PPC64.syscall(185), Syscall::Sigaltstack);
  EXPECT_EQ(PROCESS_ARCH_PPC64.syscall(5), Syscall::Open);
  EXPECT_EQ(PROCESS_ARCH_ARM64.syscall(5), Syscall::Unknown);    // setxattr; no open on arm64
  EXPECT_EQ(PROCESS_ARCH_ARM64.syscall(133), Syscall::Unknown);  // rt_sigsuspend
  EXPECT_EQ(PROCESS_ARCH_ARM64.syscall(~uint64_t{0}), Syscall::Unknown);
  EXPECT_EQ(process_arch("arm64"), &PROCESS_ARCH_ARM64);
  EXPECT_EQ(process_arch("powerpc"), &PROCESS_ARCH_PPC64);
  EXPECT_EQ(process_arch("x86"), nullptr);
}
