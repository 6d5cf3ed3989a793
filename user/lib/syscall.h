// Raw Linux system calls for user test programs, with each arch's numbers
// (include/uapi/asm-generic/unistd.h for arm64, arch/powerpc/kernel/syscalls/syscall.tbl).
// Every call returns what the kernel returned: a value >= 0, or -errno in [-4095, -1] on both
// arches (the powerpc stub converts the CR0.SO convention).
#pragma once

#include <stddef.h>
#include <stdint.h>

extern "C" long raw_syscall(long number, long a0, long a1, long a2, long a3, long a4, long a5);
#if defined(__powerpc64__)
// The same by scv 0 (user/arch/powerpc/syscall.S), where AT_HWCAP2 has PPC_FEATURE2_SCV.
extern "C" long raw_scv(long number, long a0, long a1, long a2, long a3, long a4, long a5);
inline constexpr uint64_t PPC_FEATURE2_SCV = 0x00100000;  // AT_HWCAP2 (uapi/asm/cputable.h)
#endif

namespace sys {

#if defined(__aarch64__)
inline constexpr long NR_READ = 63, NR_WRITE = 64, NR_WRITEV = 66, NR_OPENAT = 56, NR_CLOSE = 57,
                      NR_LSEEK = 62, NR_EXIT = 93, NR_EXIT_GROUP = 94, NR_GETPID = 172,
                      NR_GETTID = 178, NR_GETPPID = 173, NR_MMAP = 222, NR_MUNMAP = 215,
                      NR_MPROTECT = 226, NR_MREMAP = 216, NR_BRK = 214, NR_MADVISE = 233,
                      NR_MINCORE = 232, NR_CLOCK_GETTIME = 113, NR_NANOSLEEP = 101, NR_KILL = 129,
                      NR_TGKILL = 131, NR_UNAME = 160, NR_GETRANDOM = 278, NR_SET_TID_ADDRESS = 96,
                      NR_PRCTL = 167, NR_RT_SIGACTION = 134;
// A kernel address: the start of the upper (TTBR1) half.
inline constexpr uint64_t KERNEL_ADDRESS = 0xffff000000000000;
#elif defined(__powerpc64__)
inline constexpr long NR_READ = 3, NR_WRITE = 4, NR_WRITEV = 146, NR_OPENAT = 286, NR_CLOSE = 6,
                      NR_LSEEK = 19, NR_EXIT = 1, NR_EXIT_GROUP = 234, NR_GETPID = 20,
                      NR_GETTID = 207, NR_GETPPID = 64, NR_MMAP = 90, NR_MUNMAP = 91,
                      NR_MPROTECT = 125, NR_MREMAP = 163, NR_BRK = 45, NR_MADVISE = 205,
                      NR_MINCORE = 206, NR_CLOCK_GETTIME = 246, NR_NANOSLEEP = 162, NR_KILL = 37,
                      NR_TGKILL = 250, NR_UNAME = 122, NR_GETRANDOM = 359, NR_SET_TID_ADDRESS = 232,
                      NR_PRCTL = 171, NR_RT_SIGACTION = 173;
// A kernel address: quadrant 3, the kernel's linear map on radix.
inline constexpr uint64_t KERNEL_ADDRESS = 0xc000000000000000;
#else
#error "user programs are built for arm64 or powerpc64"
#endif

inline long call(long number, long a0 = 0, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0,
                 long a5 = 0) {
  return raw_syscall(number, a0, a1, a2, a3, a4, a5);
}

inline long write(int fd, const void* buffer, size_t length) {
  return call(NR_WRITE, fd, reinterpret_cast<long>(buffer), static_cast<long>(length));
}
inline long read(int fd, void* buffer, size_t length) {
  return call(NR_READ, fd, reinterpret_cast<long>(buffer), static_cast<long>(length));
}
inline long getpid() { return call(NR_GETPID); }

// errno values (include/uapi/asm-generic/errno-base.h, errno.h).
inline constexpr long EPERM = 1, ENOENT = 2, ESRCH = 3, EBADF = 9, ENOMEM = 12, EACCES = 13,
                      EFAULT = 14, EEXIST = 17, ENODEV = 19, EINVAL = 22, ESPIPE = 29,
                      ENAMETOOLONG = 36, ENOSYS = 38;
// mmap (include/uapi/asm-generic/mman-common.h, mman.h).
inline constexpr long PROT_NONE = 0, PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
inline constexpr long MAP_PRIVATE = 0x02, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20,
                      MAP_FIXED_NOREPLACE = 0x100000, MREMAP_MAYMOVE = 1;

inline long mmap(uint64_t addr, uint64_t length, long prot, long flags, long fd = -1,
                 long offset = 0) {
  return call(NR_MMAP, static_cast<long>(addr), static_cast<long>(length), prot, flags, fd, offset);
}
inline long munmap(uint64_t addr, uint64_t length) {
  return call(NR_MUNMAP, static_cast<long>(addr), static_cast<long>(length));
}
// TASK_SIZE. arm64's is 2^52 where the kernel gives programs 52-bit addresses (FEAT_LPA2), as a
// fixed mapping of the page below 2^52 shows, and 2^48 otherwise; powerpc64's is 64 TiB with
// 4 KiB pages.
inline uint64_t task_size() {
#if defined(__aarch64__)
  constexpr uint64_t WIDE = uint64_t{1} << 52;
  const long page =
      mmap(WIDE - 4096, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE);
  if (page < 0) return uint64_t{1} << 48;
  munmap(static_cast<uint64_t>(page), 4096);
  return static_cast<uint64_t>(page) == WIDE - 4096 ? WIDE : uint64_t{1} << 48;
#else
  return uint64_t{1} << 46;
#endif
}
inline long mprotect(uint64_t addr, uint64_t length, long prot) {
  return call(NR_MPROTECT, static_cast<long>(addr), static_cast<long>(length), prot);
}
inline long brk(uint64_t addr) { return call(NR_BRK, static_cast<long>(addr)); }
// A pointer to a mapping's first byte, from mmap's result.
template <typename T = uint8_t>
T* at(long address) {
  return reinterpret_cast<T*>(address);
}
[[noreturn]] inline void exit_group(int status) {
  call(NR_EXIT_GROUP, status);
  // exit_group cannot fail; if the kernel returned anyway, stop here rather than run on.
  for (;;) call(NR_EXIT, status);
}

}  // namespace sys
