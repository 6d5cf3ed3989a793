#include "kernel/proc/signal_state.h"

#include "kernel/lib/panic.h"
#include "kernel/lib/string.h"

namespace {

bool valid(int signal) { return signal >= 1 && signal <= SIGNAL_COUNT; }

// Signals next_signal takes before any other (SYNCHRONOUS_MASK in kernel/signal.c).
constexpr uint64_t SYNCHRONOUS = signal_bit(11) | signal_bit(7) | signal_bit(4) | signal_bit(5) |
                                 signal_bit(8) | signal_bit(SIGNAL_SYS);

void put32(uint8_t* at, uint32_t v) { klib::mem_copy(at, &v, sizeof(v)); }
void put64(uint8_t* at, uint64_t v) { klib::mem_copy(at, &v, sizeof(v)); }

}  // namespace

void signal_info_encode(const SignalInfo& info, uint8_t out[SIGINFO_SIZE]) {
  klib::mem_set(out, 0, SIGINFO_SIZE);
  put32(out + 0, static_cast<uint32_t>(info.signo));
  put32(out + 8, static_cast<uint32_t>(info.code));
  if (info.fault) {
    put64(out + 16, info.addr);
  } else {
    put32(out + 16, static_cast<uint32_t>(info.pid));
    put32(out + 20, info.uid);
    put64(out + 24, info.value);
  }
}

DefaultAction signal_default_action(int signal) {
  switch (signal) {
    case SIGNAL_CHLD:
    case SIGNAL_CONT:
    case SIGNAL_URG:
    case SIGNAL_WINCH:
    case SIGNAL_STOP:  // stop signals: no job control, so nothing happens
    case SIGNAL_TSTP:
    case SIGNAL_TTIN:
    case SIGNAL_TTOU:
      return DefaultAction::Ignore;
    case SIGNAL_QUIT:
    case 4:   // SIGILL
    case 5:   // SIGTRAP
    case 6:   // SIGABRT
    case 7:   // SIGBUS
    case 8:   // SIGFPE
    case 11:  // SIGSEGV
    case SIGNAL_XCPU:
    case SIGNAL_XFSZ:
    case SIGNAL_SYS:
      return DefaultAction::Core;
    default:
      return DefaultAction::Terminate;
  }
}

Result<void> SignalState::send(const SignalInfo& info) {
  const int s = info.signo;
  const uint64_t bit = signal_bit(s);
  const SignalAction& a = action(s);
  const bool ignored =
      a.handler == HANDLER_IGNORE ||
      (a.handler == HANDLER_DEFAULT && signal_default_action(s) == DefaultAction::Ignore);
  if (ignored && (blocked & bit) == 0) return {};
  if (s >= SIGNAL_RTMIN && queued < SIGNAL_QUEUE_CAPACITY) {
    queue[queued++] = info;
    pending |= bit;
    return {};
  }
  if (s >= SIGNAL_RTMIN && info.code != CODE_USER) return Error::Again;
  if ((pending & bit) != 0 && (s < SIGNAL_RTMIN || (merged & bit) != 0)) return {};
  pending |= bit;
  if (s >= SIGNAL_RTMIN) merged |= bit;
  this->info[s - 1] = info;
  return {};
}

void SignalState::drop(int signal) {
  const uint64_t bit = signal_bit(signal);
  pending &= ~bit;
  merged &= ~bit;
  unsigned kept = 0;
  for (unsigned i = 0; i < queued; i++) {
    if (queue[i].signo != signal) queue[kept++] = queue[i];
  }
  queued = kept;
}

void SignalState::force(const SignalInfo& info, bool to_default) {
  const int s = info.signo;
  SignalAction& a = action(s);
  const bool is_blocked = (blocked & signal_bit(s)) != 0;
  if (is_blocked || a.handler == HANDLER_IGNORE || to_default) {
    a.handler = HANDLER_DEFAULT;
    blocked &= ~signal_bit(s);
  }
  // Replaces whatever instance was pending: the fault's own siginfo is the one delivered. With
  // the pending instances gone and the signal not ignored, the send cannot fail.
  drop(s);
  MUST(send(info));
}

bool SignalState::dequeue(SignalInfo* out) {
  const uint64_t ready = pending & ~blocked;
  if (ready == 0) return false;
  const uint64_t pick = (ready & SYNCHRONOUS) != 0 ? ready & SYNCHRONOUS : ready;
  const int s = __builtin_ctzll(pick) + 1;
  const uint64_t bit = signal_bit(s);
  for (unsigned i = 0; i < queued; i++) {
    if (queue[i].signo != s) continue;
    *out = queue[i];
    for (unsigned j = i + 1; j < queued; j++) queue[j - 1] = queue[j];
    queued--;
    bool more = (merged & bit) != 0;
    for (unsigned j = 0; j < queued && !more; j++) more = queue[j].signo == s;
    if (!more) pending &= ~bit;
    return true;
  }
  pending &= ~bit;
  merged &= ~bit;
  *out = info[s - 1];
  return true;
}

Result<void> SignalState::set_action(int signal, const SignalAction* act, SignalAction* old) {
  if (!valid(signal) || (act != nullptr && (signal_bit(signal) & UNBLOCKABLE) != 0)) {
    return Error::Invalid;
  }
  SignalAction& a = action(signal);
  if (old != nullptr) *old = a;
  if (act == nullptr) return {};
  a = *act;
  a.flags &= SIGACT_KNOWN;
  a.mask &= ~UNBLOCKABLE;
  if (a.handler == HANDLER_IGNORE ||
      (a.handler == HANDLER_DEFAULT && signal_default_action(signal) == DefaultAction::Ignore)) {
    drop(signal);
  }
  return {};
}

Result<void> SignalState::set_blocked(int how, const uint64_t* set, uint64_t* old) {
  if (old != nullptr) *old = blocked;
  if (set == nullptr) return {};
  const uint64_t s = *set & ~UNBLOCKABLE;
  switch (how) {
    case MASK_BLOCK:
      blocked |= s;
      return {};
    case MASK_UNBLOCK:
      blocked &= ~s;
      return {};
    case MASK_SET:
      blocked = s;
      return {};
    default:
      return Error::Invalid;
  }
}

bool SignalState::on_altstack(uint64_t sp) const {
  return altstack.size != 0 && sp > altstack.sp && sp - altstack.sp <= altstack.size;
}

SignalStack SignalState::altstack_for(uint64_t sp) const {
  SignalStack s = altstack;
  const uint32_t mode = altstack.size == 0 ? ALTSTACK_DISABLE : on_altstack(sp) ? ALTSTACK_ON : 0;
  s.flags = mode | (altstack.flags & ALTSTACK_AUTODISARM);
  return s;
}

Result<void> SignalState::set_altstack(const SignalStack* ss, SignalStack* old, uint64_t sp,
                                       uint64_t min_size) {
  if (old != nullptr) *old = altstack_for(sp);
  if (ss == nullptr) return {};
  if (on_altstack(sp)) return Error::Permission;
  const uint32_t mode = ss->flags & ~ALTSTACK_AUTODISARM;
  if (mode != ALTSTACK_DISABLE && mode != ALTSTACK_ON && mode != 0) return Error::Invalid;
  if (mode == ALTSTACK_DISABLE) {
    altstack = SignalStack{0, 0, 0};
    return {};
  }
  if (ss->size < min_size) return Error::NoMemory;
  altstack = SignalStack{ss->sp, ss->flags & ALTSTACK_AUTODISARM, ss->size};
  return {};
}
