// Raw Linux system calls for user test programs, with each arch's numbers
// (include/uapi/asm-generic/unistd.h for arm64, arch/powerpc/kernel/syscalls/syscall.tbl).
// Every call returns what the kernel returned: a value >= 0, or -errno in [-4095, -1] on both
// arches (the powerpc stub converts the CR0.SO convention).
#pragma once

#include <stddef.h>
#include <stdint.h>

extern "C" long raw_syscall(long number, long a0, long a1, long a2, long a3, long a4, long a5);

namespace sys {

#if defined(__aarch64__)
inline constexpr long NR_WRITE = 64;
inline constexpr long NR_EXIT = 93;
inline constexpr long NR_EXIT_GROUP = 94;
inline constexpr long NR_GETPID = 172;
#elif defined(__powerpc64__)
inline constexpr long NR_WRITE = 4;
inline constexpr long NR_EXIT = 1;
inline constexpr long NR_EXIT_GROUP = 234;
inline constexpr long NR_GETPID = 20;
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
inline long getpid() { return call(NR_GETPID); }
[[noreturn]] inline void exit_group(int status) {
  call(NR_EXIT_GROUP, status);
  // exit_group cannot fail; if the kernel returned anyway, stop here rather than run on.
  for (;;) call(NR_EXIT, status);
}

}  // namespace sys
