#include "kernel/proc/process_arch.h"

namespace {

// include/uapi/asm-generic/unistd.h (arm64 uses the generic table, __NR3264_* as the 64-bit
// names).
constexpr SyscallNumber ARM64_SYSCALLS[] = {
    {48, Syscall::Faccessat},
    {56, Syscall::Openat},
    {57, Syscall::Close},
    {23, Syscall::Dup},
    {62, Syscall::Lseek},
    {63, Syscall::Read},
    {64, Syscall::Write},
    {66, Syscall::Writev},
    {93, Syscall::Exit},
    {94, Syscall::ExitGroup},
    {96, Syscall::SetTidAddress},
    {101, Syscall::Nanosleep},
    {113, Syscall::ClockGettime},
    {129, Syscall::Kill},
    {131, Syscall::Tgkill},
    {160, Syscall::Uname},
    {167, Syscall::Prctl},
    {172, Syscall::Getpid},
    {173, Syscall::Getppid},
    {178, Syscall::Gettid},
    {214, Syscall::Brk},
    {232, Syscall::Mincore},
    {233, Syscall::Madvise},
    {215, Syscall::Munmap},
    {216, Syscall::Mremap},
    {222, Syscall::Mmap},
    {226, Syscall::Mprotect},
    {278, Syscall::Getrandom},
    {78, Syscall::Readlinkat},
    {99, Syscall::SetRobustList},
    {261, Syscall::Prlimit64},
    {293, Syscall::Rseq},
    {132, Syscall::Sigaltstack},
    {134, Syscall::RtSigaction},
    {135, Syscall::RtSigprocmask},
    {139, Syscall::RtSigreturn},
    {29, Syscall::Ioctl},
    {79, Syscall::Newfstatat},
    {80, Syscall::Fstat},
    {98, Syscall::Futex},
    {123, Syscall::SchedGetaffinity},
    {124, Syscall::SchedYield},
    {174, Syscall::Getuid},
    {175, Syscall::Geteuid},
    {176, Syscall::Getgid},
    {177, Syscall::Getegid},
    {130, Syscall::Tkill},
    {115, Syscall::ClockNanosleep},
    {138, Syscall::RtSigqueueinfo},
    {114, Syscall::ClockGetres},
    {102, Syscall::Getitimer},
    {103, Syscall::Setitimer},
    {25, Syscall::Fcntl},
    {136, Syscall::RtSigpending},
    {73, Syscall::Ppoll},
    {169, Syscall::Gettimeofday},
};

// arch/powerpc/kernel/syscalls/syscall.tbl, the "common", "64" and "nospu" rows.
constexpr SyscallNumber PPC64_SYSCALLS[] = {
    {1, Syscall::Exit},
    {3, Syscall::Read},
    {4, Syscall::Write},
    {6, Syscall::Close},
    {41, Syscall::Dup},
    {19, Syscall::Lseek},
    {140, Syscall::Llseek},
    {20, Syscall::Getpid},
    {37, Syscall::Kill},
    {45, Syscall::Brk},
    {205, Syscall::Madvise},
    {206, Syscall::Mincore},
    {64, Syscall::Getppid},
    {90, Syscall::Mmap},
    {91, Syscall::Munmap},
    {122, Syscall::Uname},
    {125, Syscall::Mprotect},
    {146, Syscall::Writev},
    {162, Syscall::Nanosleep},
    {163, Syscall::Mremap},
    {171, Syscall::Prctl},
    {207, Syscall::Gettid},
    {232, Syscall::SetTidAddress},
    {234, Syscall::ExitGroup},
    {246, Syscall::ClockGettime},
    {247, Syscall::ClockGetres},
    {78, Syscall::Gettimeofday},
    {250, Syscall::Tgkill},
    {286, Syscall::Openat},
    {5, Syscall::Open},
    {298, Syscall::Faccessat},
    {33, Syscall::Access},
    {359, Syscall::Getrandom},
    {85, Syscall::Readlink},
    {296, Syscall::Readlinkat},
    {300, Syscall::SetRobustList},
    {325, Syscall::Prlimit64},
    {387, Syscall::Rseq},
    {172, Syscall::RtSigreturn},
    {173, Syscall::RtSigaction},
    {174, Syscall::RtSigprocmask},
    {185, Syscall::Sigaltstack},
    {24, Syscall::Getuid},
    {47, Syscall::Getgid},
    {49, Syscall::Geteuid},
    {50, Syscall::Getegid},
    {54, Syscall::Ioctl},
    {108, Syscall::Fstat},
    {221, Syscall::Futex},
    {223, Syscall::SchedGetaffinity},
    {158, Syscall::SchedYield},
    {291, Syscall::Newfstatat},
    {208, Syscall::Tkill},
    {248, Syscall::ClockNanosleep},
    {177, Syscall::RtSigqueueinfo},
    {104, Syscall::Setitimer},
    {105, Syscall::Getitimer},
    {27, Syscall::Alarm},
    {55, Syscall::Fcntl},
    {175, Syscall::RtSigpending},
    {281, Syscall::Ppoll},
};

// AT_HWCAP where the running processor gives none (arch_cpu_identity: the host, a powerpc
// processor other than POWER9 and POWER10): what the kernel keeps per process, nothing more.
// arm64: HWCAP_FP | HWCAP_ASIMD (arch/arm64/include/uapi/asm/hwcap.h), the FP/SIMD registers
// every context saves. powerpc: PPC_FEATURE_32 | PPC_FEATURE_64 | PPC_FEATURE_HAS_MMU |
// PPC_FEATURE_HAS_FPU | PPC_FEATURE_HAS_ALTIVEC | PPC_FEATURE_HAS_VSX
// (arch/powerpc/include/uapi/asm/cputable.h), and AT_HWCAP2 0: in particular no
// PPC_FEATURE2_SCV, as the kernel has no scv entry.
constexpr uint64_t ARM64_HWCAP = (1 << 0) | (1 << 1);
constexpr uint64_t PPC_HWCAP =
    0x80000000 | 0x40000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x80;

}  // namespace

const ProcessArch PROCESS_ARCH_ARM64 = {
    "arm64",
    "aarch64",
    ELF_TARGET_ARM64,
    {StackArch::DlInfo::Arm64,
     ByteOrder::Little,
     4096,
     ARM64_HWCAP,
     0,
     // ELF_PLATFORM (arch/arm64/include/asm/elf.h, little-endian).
     "aarch64",
     nullptr,
     0,
     // AT_MINSIGSTKSZ comes from the signal frame code (exec); 0 would write AT_IGNORE.
     0,
     true,
     100,
     0,
     0,
     {},
     {},
     {},
     {}},
    // STACK_TOP = STACK_TOP_MAX = DEFAULT_MAP_WINDOW_64 (TASK_SIZE_64 with 48-bit VAs, below it
    // with 52); STACK_RND_MASK 0x3ffff pages with 4 KiB pages.
    uint64_t{1} << 48,
    uint64_t{0x3ffff} << 12,
    // ARCH_MMAP_RND_BITS_MIN with 4 KiB pages (arch/arm64/Kconfig).
    18,
    ARM64_SYSCALLS,
    sizeof(ARM64_SYSCALLS) / sizeof(ARM64_SYSCALLS[0]),
    MAP_LOCKED_GENERIC,
    MAP_NORESERVE_GENERIC,
    true,
    true,
    &VDSO_ARCH_ARM64,
    false,
    0400000,
    0200000,
};

// 64-bit powerpc in either byte order: only the names and the byte order differ.
constexpr ProcessArch ppc64_arch(const char* name, const char* machine, ElfTarget elf) {
  return {
      name,
      machine,
      elf,
      {StackArch::DlInfo::Powerpc64,
       elf.byte_order,
       4096,
       PPC_HWCAP,
       0,
       // ELF_PLATFORM is cur_cpu_spec->platform and ELF_BASE_PLATFORM powerpc_base_platform: the
       // running processor's (arch_cpu_identity) replaces these, the oldest one Maplet supports.
       "power9",
       "power9",
       0,
       0,
       true,
       100,
       // POWER9's 128-byte cache blocks; the L1 geometry comes from the running processor
       // (arch_cpu_identity), L2 and L3 stay 0 (unknown) as on a pseries guest.
       128,
       128,
       {},
       {},
       {},
       {}},
      // STACK_TOP_USER64 = DEFAULT_MAP_WINDOW_USER64 = 64 TiB with 4 KiB pages
      // (arch/powerpc/include/asm/task_size_64.h); STACK_RND_MASK 0x3ffff pages.
      uint64_t{1} << 46,
      uint64_t{0x3ffff} << 12,
      // ARCH_MMAP_RND_BITS_MIN for 64-bit with 4 KiB pages (arch/powerpc/Kconfig).
      18,
      PPC64_SYSCALLS,
      sizeof(PPC64_SYSCALLS) / sizeof(PPC64_SYSCALLS[0]),
      MAP_LOCKED_POWERPC,
      MAP_NORESERVE_POWERPC,
      false,
      true,
      &VDSO_ARCH_PPC64,
      true,
      0200000,
      0400000,
  };
}

const ProcessArch PROCESS_ARCH_PPC64 = ppc64_arch("powerpc", "ppc64", ELF_TARGET_PPC64);
// UTS_MACHINE of a little-endian kernel (arch/powerpc/Makefile).
const ProcessArch PROCESS_ARCH_PPC64LE = ppc64_arch("powerpc64le", "ppc64le", ELF_TARGET_PPC64LE);

Syscall ProcessArch::syscall(uint64_t number) const {
  for (size_t i = 0; i < syscall_count; i++) {
    if (syscalls[i].number == number) return syscalls[i].call;
  }
  return Syscall::Unknown;
}

const ProcessArch* process_arch(StringView name) {
  if (name == StringView(PROCESS_ARCH_ARM64.name)) return &PROCESS_ARCH_ARM64;
  if (name == StringView(PROCESS_ARCH_PPC64.name)) return &PROCESS_ARCH_PPC64;
  if (name == StringView(PROCESS_ARCH_PPC64LE.name)) return &PROCESS_ARCH_PPC64LE;
  return nullptr;
}
