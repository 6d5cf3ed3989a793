// The neutral signal state against Linux 6.12's rules (kernel/signal.c): rt_sigaction,
// rt_sigprocmask and sigaltstack's checks, sending, forcing and the order pending signals are
// taken in, real-time signals queueing, default actions, siginfo's layout, and the wait status of a
// core-dumping signal.
#include <gtest/gtest.h>

#include <cstring>

#include "kernel/proc/process.h"
#include "kernel/proc/signal_state.h"

namespace {

constexpr int USR1 = 10, USR2 = 12, SEGV = 11, CHLD = 17, KILL = 9, STOP = 19;

SignalInfo info_of(int signo, int code = CODE_USER) {
  SignalInfo info{};
  info.signo = signo;
  info.code = code;
  return info;
}

TEST(SignalState, ActionChecksAndReadBack) {
  SignalState s;
  SignalAction act{0x1000, SIGACT_SIGINFO | 0x400, 0x2000, signal_bit(USR2) | signal_bit(KILL)};
  SignalAction old{};
  EXPECT_EQ(s.set_action(KILL, &act, nullptr).error(), Error::Invalid);
  EXPECT_EQ(s.set_action(STOP, &act, nullptr).error(), Error::Invalid);
  EXPECT_EQ(s.set_action(0, &act, nullptr).error(), Error::Invalid);
  EXPECT_EQ(s.set_action(65, nullptr, &old).error(), Error::Invalid);
  EXPECT_TRUE(s.set_action(KILL, nullptr, &old).is_ok());
  ASSERT_TRUE(s.set_action(USR1, &act, nullptr).is_ok());
  ASSERT_TRUE(s.set_action(USR1, nullptr, &old).is_ok());
  EXPECT_EQ(old.handler, 0x1000u);
  EXPECT_EQ(old.flags, SIGACT_SIGINFO);   // the unknown bit is dropped
  EXPECT_EQ(old.mask, signal_bit(USR2));  // SIGKILL cannot be masked
}

TEST(SignalState, IgnoringDropsThePendingSignal) {
  SignalState s;
  const uint64_t usr1 = signal_bit(USR1);
  ASSERT_TRUE(s.set_blocked(MASK_BLOCK, &usr1, nullptr).is_ok());
  ASSERT_TRUE(s.send(info_of(USR1)).is_ok());
  EXPECT_EQ(s.pending, usr1);
  const SignalAction ign{HANDLER_IGNORE, 0, 0, 0};
  ASSERT_TRUE(s.set_action(USR1, &ign, nullptr).is_ok());
  EXPECT_EQ(s.pending, 0u);
  // Ignored and not blocked: dropped at once.
  const uint64_t none = 0;
  ASSERT_TRUE(s.set_blocked(MASK_SET, &none, nullptr).is_ok());
  ASSERT_TRUE(s.send(info_of(USR1)).is_ok());
  EXPECT_EQ(s.pending, 0u);
}

TEST(SignalState, BlockedMaskKeepsKillAndStopOut) {
  SignalState s;
  const uint64_t all = ~uint64_t{0};
  uint64_t old = 1;
  ASSERT_TRUE(s.set_blocked(MASK_BLOCK, &all, &old).is_ok());
  EXPECT_EQ(old, 0u);
  EXPECT_EQ(s.blocked, all & ~(signal_bit(KILL) | signal_bit(STOP)));
  const uint64_t usr1 = signal_bit(USR1);
  ASSERT_TRUE(s.set_blocked(MASK_UNBLOCK, &usr1, nullptr).is_ok());
  EXPECT_EQ(s.blocked & usr1, 0u);
  ASSERT_TRUE(s.set_blocked(MASK_SET, &usr1, nullptr).is_ok());
  EXPECT_EQ(s.blocked, usr1);
  EXPECT_EQ(s.set_blocked(3, &usr1, nullptr).error(), Error::Invalid);
  EXPECT_TRUE(s.set_blocked(3, nullptr, &old).is_ok());
}

TEST(SignalState, SendDropsIgnoredUnlessBlockedAndKeepsTheFirstInfo) {
  SignalState s;
  ASSERT_TRUE(s.send(info_of(CHLD)).is_ok());
  EXPECT_EQ(s.pending, 0u);
  SignalInfo first = info_of(USR1);
  first.pid = 7;
  ASSERT_TRUE(s.send(first).is_ok());
  SignalInfo second = info_of(USR1);
  second.pid = 8;
  ASSERT_TRUE(s.send(second).is_ok());
  SignalInfo out{};
  ASSERT_TRUE(s.dequeue(&out));
  EXPECT_EQ(out.pid, 7);
  EXPECT_FALSE(s.dequeue(&out));
}

TEST(SignalState, RealTimeSignalsQueueEachInstanceInOrder) {
  SignalState s;
  constexpr int RT = 40, LOWER_RT = 35;
  for (uint64_t v = 1; v <= 3; v++) {
    SignalInfo info = info_of(RT, CODE_QUEUE);
    info.value = v;
    ASSERT_TRUE(s.send(info).is_ok());
  }
  SignalInfo lower = info_of(LOWER_RT, CODE_QUEUE);
  lower.value = 9;
  ASSERT_TRUE(s.send(lower).is_ok());
  EXPECT_EQ(s.queued, 4u);
  SignalInfo out{};
  ASSERT_TRUE(s.dequeue(&out));
  EXPECT_EQ(out.signo, LOWER_RT);
  EXPECT_EQ(out.value, 9u);
  for (uint64_t v = 1; v <= 3; v++) {
    EXPECT_EQ(s.pending, signal_bit(RT));
    ASSERT_TRUE(s.dequeue(&out));
    EXPECT_EQ(out.signo, RT);
    EXPECT_EQ(out.value, v);
  }
  EXPECT_EQ(s.pending, 0u);
  EXPECT_FALSE(s.dequeue(&out));
}

TEST(SignalState, AFullQueueMergesKillAndRefusesTheRest) {
  SignalState s;
  constexpr int RT = 50;
  for (unsigned i = 0; i < SIGNAL_QUEUE_CAPACITY; i++) {
    ASSERT_TRUE(s.send(info_of(RT, CODE_QUEUE)).is_ok());
  }
  EXPECT_EQ(s.send(info_of(RT, CODE_QUEUE)).error(), Error::Again);
  EXPECT_EQ(s.send(info_of(RT, CODE_TKILL)).error(), Error::Again);
  SignalInfo killed = info_of(RT, CODE_USER);
  killed.pid = 5;
  ASSERT_TRUE(s.send(killed).is_ok());
  ASSERT_TRUE(s.send(killed).is_ok());  // merged with the first
  unsigned delivered = 0;
  SignalInfo out{};
  while (s.dequeue(&out)) delivered++;
  EXPECT_EQ(delivered, SIGNAL_QUEUE_CAPACITY + 1);
  EXPECT_EQ(out.pid, 5);  // the merged instance comes last
  // Ignoring the signal drops every queued instance.
  ASSERT_TRUE(s.send(info_of(RT, CODE_QUEUE)).is_ok());
  const SignalAction ign{HANDLER_IGNORE, 0, 0, 0};
  ASSERT_TRUE(s.set_action(RT, &ign, nullptr).is_ok());
  EXPECT_EQ(s.queued, 0u);
  EXPECT_EQ(s.pending, 0u);
}

TEST(SignalState, DequeueTakesSynchronousSignalsFirstThenTheLowest) {
  SignalState s;
  ASSERT_TRUE(s.send(info_of(USR2)).is_ok());
  ASSERT_TRUE(s.send(info_of(SEGV)).is_ok());
  ASSERT_TRUE(s.send(info_of(USR1)).is_ok());
  const uint64_t segv = signal_bit(SEGV);
  ASSERT_TRUE(s.set_blocked(MASK_BLOCK, &segv, nullptr).is_ok());
  SignalInfo out{};
  ASSERT_TRUE(s.dequeue(&out));
  EXPECT_EQ(out.signo, USR1);
  const uint64_t none = 0;
  ASSERT_TRUE(s.set_blocked(MASK_SET, &none, nullptr).is_ok());
  ASSERT_TRUE(s.dequeue(&out));
  EXPECT_EQ(out.signo, SEGV);
  ASSERT_TRUE(s.dequeue(&out));
  EXPECT_EQ(out.signo, USR2);
}

TEST(SignalState, ForceUnblocksAndResetsAnIgnoredSignal) {
  SignalState s;
  const SignalAction ign{HANDLER_IGNORE, 0, 0, 0};
  ASSERT_TRUE(s.set_action(SEGV, &ign, nullptr).is_ok());
  const uint64_t segv = signal_bit(SEGV);
  ASSERT_TRUE(s.set_blocked(MASK_BLOCK, &segv, nullptr).is_ok());
  SignalInfo fault = info_of(SEGV, 1);
  fault.addr = 0x1234;
  fault.fault = true;
  s.force(fault);
  EXPECT_EQ(s.blocked, 0u);
  EXPECT_EQ(s.action(SEGV).handler, HANDLER_DEFAULT);
  SignalInfo out{};
  ASSERT_TRUE(s.dequeue(&out));
  EXPECT_EQ(out.addr, 0x1234u);
  // to_default resets even a handler (force_sigsegv of a SIGSEGV frame).
  const SignalAction handler{0x1000, 0, 0, 0};
  ASSERT_TRUE(s.set_action(SEGV, &handler, nullptr).is_ok());
  s.force(info_of(SEGV, CODE_KERNEL), true);
  EXPECT_EQ(s.action(SEGV).handler, HANDLER_DEFAULT);
}

TEST(SignalState, AltstackChecks) {
  SignalState s;
  SignalStack old{};
  ASSERT_TRUE(s.set_altstack(nullptr, &old, 0x9000, 2048).is_ok());
  EXPECT_EQ(old.flags, static_cast<uint32_t>(ALTSTACK_DISABLE));
  const SignalStack small{0x10000, 0, 2047};
  EXPECT_EQ(s.set_altstack(&small, nullptr, 0x9000, 2048).error(), Error::NoMemory);
  const SignalStack bad{0x10000, 4, 8192};
  EXPECT_EQ(s.set_altstack(&bad, nullptr, 0x9000, 2048).error(), Error::Invalid);
  const SignalStack good{0x10000, ALTSTACK_AUTODISARM, 8192};
  ASSERT_TRUE(s.set_altstack(&good, nullptr, 0x9000, 2048).is_ok());
  // On it: reported as SS_ONSTACK, and it cannot change.
  EXPECT_TRUE(s.on_altstack(0x12000));
  EXPECT_FALSE(s.on_altstack(0x10000));
  EXPECT_EQ(s.altstack_for(0x12000).flags, ALTSTACK_ON | ALTSTACK_AUTODISARM);
  EXPECT_EQ(s.set_altstack(&good, nullptr, 0x12000, 2048).error(), Error::Permission);
  const SignalStack off{0, ALTSTACK_DISABLE, 0};
  ASSERT_TRUE(s.set_altstack(&off, nullptr, 0x9000, 2048).is_ok());
  EXPECT_EQ(s.altstack_for(0x9000).flags, static_cast<uint32_t>(ALTSTACK_DISABLE));
}

TEST(SignalState, DefaultActions) {
  EXPECT_EQ(signal_default_action(CHLD), DefaultAction::Ignore);
  EXPECT_EQ(signal_default_action(28), DefaultAction::Ignore);
  EXPECT_EQ(signal_default_action(SEGV), DefaultAction::Core);
  EXPECT_EQ(signal_default_action(6), DefaultAction::Core);
  EXPECT_EQ(signal_default_action(USR1), DefaultAction::Terminate);
  EXPECT_EQ(signal_default_action(KILL), DefaultAction::Terminate);
  EXPECT_EQ(signal_default_action(40), DefaultAction::Terminate);
}

TEST(SignalState, SiginfoLayout) {
  uint8_t out[SIGINFO_SIZE];
  SignalInfo fault = info_of(SEGV, 2);
  fault.addr = 0x1122334455667788;
  fault.fault = true;
  signal_info_encode(fault, out);
  int32_t word;
  std::memcpy(&word, out, 4);
  EXPECT_EQ(word, SEGV);
  std::memcpy(&word, out + 8, 4);
  EXPECT_EQ(word, 2);
  uint64_t addr;
  std::memcpy(&addr, out + 16, 8);
  EXPECT_EQ(addr, 0x1122334455667788u);
  SignalInfo kill = info_of(USR1, CODE_TKILL);
  kill.pid = 42;
  signal_info_encode(kill, out);
  std::memcpy(&word, out + 16, 4);
  EXPECT_EQ(word, 42);
  std::memcpy(&word, out + 8, 4);
  EXPECT_EQ(word, -6);
  SignalInfo queued = info_of(40, CODE_QUEUE);
  queued.value = 0x0102030405060708;
  signal_info_encode(queued, out);
  uint64_t value;
  std::memcpy(&value, out + 24, 8);
  EXPECT_EQ(value, 0x0102030405060708u);
}

TEST(ProcessExit, AWrittenCoreSetsTheCoreBit) {
  ProcessExit how{};
  how.kind = ExitKind::Signaled;
  how.signal = SEGV;
  how.core = true;
  EXPECT_EQ(how.wait_status(), 0x8b);
  how.signal = USR1;
  how.core = false;
  EXPECT_EQ(how.wait_status(), USR1);
}

}  // namespace
