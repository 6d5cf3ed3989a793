#include "kernel/proc/unknown_syscall.h"

#include "kernel/lib/console.h"
#include "kernel/proc/syscall_names.h"

void report_unknown_syscall(Process& p, uint64_t number) {
  constexpr uint64_t LAST = sizeof(p.unknown_syscalls_reported) * 8 - 1;
  const uint64_t bit = number < LAST ? number : LAST;
  uint64_t& word = p.unknown_syscalls_reported[bit / 64];
  const uint64_t mask = uint64_t{1} << (bit % 64);
  if ((word & mask) != 0) return;
  word |= mask;
  const char* name = syscall_name(p.abi, number);
  if (name == nullptr) name = "?";
  const auto n = static_cast<unsigned long>(number);
  klog("pid %d: unknown system call %s (%lu): ENOSYS", p.pid, name, n);
  format(console_sink(), "~enosys %lu %s\n", n, name);
}
