#include "kernel/proc/signal_syscalls.h"

#include "kernel/arch/signal_frame.h"
#include "kernel/proc/uaccess.h"

namespace {

constexpr uint64_t SIGSET_SIZE = 8;

// struct sigaction as user memory holds it.
struct UserSigaction {
  uint64_t handler, flags, restorer, mask;
};
static_assert(sizeof(UserSigaction) == 32);

}  // namespace

int64_t sys_rt_sigaction(Process& p, int64_t signal, uint64_t act, uint64_t oldact,
                         uint64_t sigsetsize) {
  if (sigsetsize != SIGSET_SIZE) return negative_errno(Error::Invalid);
  UserSigaction in{};
  if (act != 0 && copy_from_user(*p.mm, &in, act, sizeof(in)).is_error()) {
    return negative_errno(Error::Fault);
  }
  const SignalAction wanted{in.handler, in.flags, in.restorer, in.mask};
  SignalAction old{};
  Result<void> set =
      p.signals.set_action(static_cast<int>(signal), act != 0 ? &wanted : nullptr, &old);
  if (set.is_error()) return negative_errno(set.error());
  if (oldact != 0) {
    const UserSigaction out{old.handler, old.flags, old.restorer, old.mask};
    if (copy_to_user(*p.mm, oldact, &out, sizeof(out)).is_error())
      return negative_errno(Error::Fault);
  }
  return 0;
}

int64_t sys_rt_sigprocmask(Process& p, int64_t how, uint64_t set, uint64_t oldset,
                           uint64_t sigsetsize) {
  if (sigsetsize != SIGSET_SIZE) return negative_errno(Error::Invalid);
  uint64_t mask = 0;
  if (set != 0 && copy_from_user(*p.mm, &mask, set, sizeof(mask)).is_error()) {
    return negative_errno(Error::Fault);
  }
  uint64_t old = 0;
  Result<void> r = p.signals.set_blocked(static_cast<int>(how), set != 0 ? &mask : nullptr, &old);
  if (r.is_error()) return negative_errno(r.error());
  if (oldset != 0 && copy_to_user(*p.mm, oldset, &old, sizeof(old)).is_error()) {
    return negative_errno(Error::Fault);
  }
  return 0;
}

int64_t sys_sigaltstack(Process& p, uint64_t ss, uint64_t old) {
  UserSignalStack in{};
  if (ss != 0 && copy_from_user(*p.mm, &in, ss, sizeof(in)).is_error())
    return negative_errno(Error::Fault);
  const SignalStack wanted{in.sp, static_cast<uint32_t>(in.flags), in.size};
  SignalStack previous{};
  Result<void> r = p.signals.set_altstack(ss != 0 ? &wanted : nullptr, &previous,
                                          arch_user_sp(p.context), arch_signal_min_stack_size());
  if (r.is_error()) return negative_errno(r.error());
  if (old != 0) {
    const UserSignalStack out{previous.sp, static_cast<int32_t>(previous.flags), 0, previous.size};
    if (copy_to_user(*p.mm, old, &out, sizeof(out)).is_error()) return negative_errno(Error::Fault);
  }
  return 0;
}

int64_t sys_rt_sigpending(Process& p, uint64_t set, uint64_t sigsetsize) {
  if (sigsetsize > SIGSET_SIZE) return negative_errno(Error::Invalid);
  // sigset_t's first bytes in memory, as copy_to_user takes them, in either byte order.
  const uint64_t pending = p.signals.pending & p.signals.blocked;
  return copy_to_user(*p.mm, set, &pending, sigsetsize).is_error() ? negative_errno(Error::Fault)
                                                                   : 0;
}
