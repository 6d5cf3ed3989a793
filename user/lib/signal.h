// Signals for user test programs: Linux's struct sigaction, stack_t and siginfo_t as the kernel
// reads and writes them (the same on arm64 and powerpc), a sigaction() that installs a handler
// returning through signal_restorer (user/arch/<arch>/signal.S, SA_RESTORER), and the fault
// helpers the signal tests make fault at a known instruction.
#pragma once

#include <stdint.h>

#include "user/lib/syscall.h"

extern "C" void signal_restorer();
extern "C" long fault_read(uint64_t address);
extern "C" long fault_write(uint64_t address);

namespace sig {

#if defined(__aarch64__)
inline constexpr long NR_SIGALTSTACK = 132, NR_RT_SIGPROCMASK = 135;
inline constexpr uint64_t MINSIGSTKSZ = 5120;
#else
inline constexpr long NR_SIGALTSTACK = 185, NR_RT_SIGPROCMASK = 174;
inline constexpr uint64_t MINSIGSTKSZ = 8192;
#endif

inline constexpr int SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGSTOP = 19;
inline constexpr uint64_t SA_SIGINFO = 4, SA_RESTORER = 0x04000000, SA_ONSTACK = 0x08000000,
                          SA_NODEFER = 0x40000000, SA_RESETHAND = 0x80000000;
inline constexpr long SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
inline constexpr int SS_ONSTACK = 1, SS_DISABLE = 2;
inline constexpr int SEGV_MAPERR = 1, SEGV_ACCERR = 2, SI_USER = 0, SI_KERNEL = 0x80, SI_TKILL = -6;

struct Action {
  uint64_t handler;
  uint64_t flags;
  uint64_t restorer;
  uint64_t mask;
};
struct Stack {
  uint64_t sp;
  int32_t flags;
  uint64_t size;
};
struct Info {
  int32_t signo;
  int32_t errno_value;
  int32_t code;
  int32_t padding;
  union {
    uint64_t addr;
    struct {
      int32_t pid;
      uint32_t uid;
    } kill;
  };
  uint8_t rest[128 - 24];
};
static_assert(sizeof(Info) == 128);

using Handler = void (*)(int, Info*, void*);

constexpr uint64_t bit(int signal) { return uint64_t{1} << (signal - 1); }

inline long rt_sigaction(long signal, const Action* act, Action* old, long size = 8) {
  return sys::call(sys::NR_RT_SIGACTION, signal, reinterpret_cast<long>(act),
                   reinterpret_cast<long>(old), size);
}
// Installs `handler` with SA_SIGINFO | SA_RESTORER and `flags`, blocking `mask` while it runs.
inline long sigaction(int signal, Handler handler, uint64_t flags = 0, uint64_t mask = 0) {
  const Action act{reinterpret_cast<uint64_t>(handler), flags | SA_SIGINFO | SA_RESTORER,
                   reinterpret_cast<uint64_t>(&signal_restorer), mask};
  return rt_sigaction(signal, &act, nullptr);
}
inline long procmask(long how, const uint64_t* set, uint64_t* old, long size = 8) {
  return sys::call(NR_RT_SIGPROCMASK, how, reinterpret_cast<long>(set), reinterpret_cast<long>(old),
                   size);
}
inline uint64_t blocked() {
  uint64_t old = 0;
  procmask(SIG_BLOCK, nullptr, &old);
  return old;
}
inline long sigaltstack(const Stack* ss, Stack* old) {
  return sys::call(NR_SIGALTSTACK, reinterpret_cast<long>(ss), reinterpret_cast<long>(old));
}
inline long raise(int signal) {
  const long pid = sys::getpid();
  return sys::call(sys::NR_TGKILL, pid, pid, signal);
}

}  // namespace sig
