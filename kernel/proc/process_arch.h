// What a user process looks like on each arch, as data the neutral process layer reads: the ELF
// target, the initial stack's auxv values, the address-space geometry Linux 6.12 gives a new mm,
// uname's machine, and the system call numbers. One description per arch, chosen by the
// BootInfo's arch name, so host tests exercise both.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/string_view.h"
#include "kernel/mm/address_space.h"
#include "kernel/proc/elf_image.h"
#include "kernel/proc/initial_stack.h"
#include "kernel/proc/vdso.h"

// The system calls Maplet implements; Unknown is everything else (ENOSYS).
enum class Syscall : uint8_t {
  Unknown,
  Read,
  Write,
  Writev,
  Openat,
  Open,
  Faccessat,
  Access,
  Close,
  Dup,
  Lseek,
  Llseek,  // powerpc's _llseek, which 64-bit glibc's lseek uses there
  Exit,
  ExitGroup,
  Getpid,
  Gettid,
  Getppid,
  Mmap,
  Munmap,
  Mprotect,
  Mremap,
  Brk,
  Madvise,
  Mincore,
  ClockGettime,
  ClockGetres,
  Gettimeofday,
  Nanosleep,
  Kill,
  Tgkill,
  RtSigaction,
  RtSigprocmask,
  RtSigqueueinfo,
  RtSigreturn,
  Sigaltstack,
  Uname,
  Getrandom,
  SetTidAddress,
  Prctl,
  SetRobustList,
  Rseq,
  Prlimit64,
  Readlinkat,
  Readlink,
  // What static C libraries call besides (kernel/proc/syscalls_libc.h).
  Fstat,
  Newfstatat,
  Ioctl,
  Getuid,
  Geteuid,
  Getgid,
  Getegid,
  SchedGetaffinity,
  SchedYield,
  Futex,
  Tkill,
  ClockNanosleep,
  Setitimer,
  Getitimer,
  Fcntl,
  RtSigpending,
  Ppoll,
  Alarm,
};

struct SyscallNumber {
  uint64_t number;
  Syscall call;
};

struct ProcessArch {
  const char* name;     // BootInfo::arch_name
  const char* machine;  // uname's machine (UTS_MACHINE)
  ElfTarget elf;
  StackArch stack;
  // STACK_TOP of a 64-bit task, and how far randomize_stack_top() may move it:
  // (STACK_RND_MASK << PAGE_SHIFT).
  uint64_t stack_top;
  uint64_t stack_random_range;
  // mmap_rnd_bits' default (CONFIG_ARCH_MMAP_RND_BITS = ARCH_MMAP_RND_BITS_MIN).
  unsigned mmap_random_bits;
  const SyscallNumber* syscalls;
  size_t syscall_count;
  // How the arch's mmap differs from the generic one (see AddressSpaceLayout): its MAP_LOCKED and
  // MAP_NORESERVE bits (arch/powerpc/include/uapi/asm/mman.h numbers them apart), and whether a
  // PROT_EXEC-only page may be read. powerpc radix has execute-only pages (PAGE_EXECONLY_X); arm64
  // has them only with FEAT_EPAN, which Maplet does not enable, so there reads are allowed.
  int map_locked;
  int map_noreserve;
  bool exec_implies_read;
  // CONFIG_TRANSPARENT_HUGEPAGE as Debian's 6.12 configs for arm64 and ppc64el set it (both on).
  bool transparent_hugepage;
  // The vDSO's mappings and hooks (kernel/proc/vdso.h).
  const VdsoArch* vdso;
  // Whether mmap refuses unknown prot bits as mprotect does: powerpc's mmap system call checks
  // arch_validate_prot() (arch/powerpc/kernel/syscalls.c do_mmap2); arm64's ignores them.
  bool mmap_validates_prot;
  // O_LARGEFILE and O_DIRECT, which the arches number apart (arch/arm64/include/uapi/asm/fcntl.h,
  // arch/powerpc/include/uapi/asm/fcntl.h).
  uint32_t open_largefile;
  uint32_t open_direct;

  // The call behind a system call number; Syscall::Unknown for any other number.
  Syscall syscall(uint64_t number) const;
};

extern const ProcessArch PROCESS_ARCH_ARM64;
extern const ProcessArch PROCESS_ARCH_PPC64;
extern const ProcessArch PROCESS_ARCH_PPC64LE;

// The description for BootInfo::arch_name ("arm64", "powerpc", "powerpc64le"); nullptr for any
// other name.
const ProcessArch* process_arch(StringView name);
