// rt_sigpending (kernel/signal.c do_sigpending): the signals both blocked and pending, a standard
// one sent twice (merged) and a real-time one, a blocked signal whose handler is SIG_IGN (still
// queued while blocked, flushed once rt_sigaction sets SIG_IGN again), a blocked signal not sent
// (not in the set), the set empty once the signals are taken; EINVAL for a size above 8, a size
// below 8 writing only that many bytes (0: none, so even a bad pointer passes), EFAULT.
#define _GNU_SOURCE
#include "oracle/programs/obs_signal.h"

static volatile int taken;

static void on_signal(int signo, siginfo_t* info, void* context) {
  (void)info;
  (void)context;
  taken |= 1 << (signo % 32);
}

static long pending(void* set, unsigned long size) { return syscall(SYS_rt_sigpending, set, size); }

static long mask(int how, uint64_t set) {
  return syscall(SYS_rt_sigprocmask, how, &set, NULL, sizeof set);
}

static void obs_pending(const char* key) {
  uint64_t set = ~0ull;
  const long r = pending(&set, sizeof set);
  if (r != 0) {
    obs(key, "error %s", errno_name(errno));
  } else {
    obs(key, "%#llx", (unsigned long long)set);
  }
}

enum { RT_SIGNAL = 40 };

int main(void) {
  obs_pending("pending.none");
  const uint64_t blocked =
      obs_sigbit(SIGUSR1) | obs_sigbit(SIGUSR2) | obs_sigbit(SIGTERM) | obs_sigbit(RT_SIGNAL);
  obs_status("block", (int)mask(SIG_BLOCK, blocked));
  obs_status("handle.usr1", obs_handle(SIGUSR1, on_signal, 0, 0));
  obs_status("handle.rt", obs_handle(RT_SIGNAL, on_signal, 0, 0));
  obs_status("ignore.term", signal(SIGTERM, SIG_IGN) == SIG_ERR ? -1 : 0);
  obs_status("kill.usr1", kill(getpid(), SIGUSR1));
  obs_status("kill.usr1_again", kill(getpid(), SIGUSR1));
  obs_status("kill.rt", kill(getpid(), RT_SIGNAL));
  obs_status("kill.term_ignored", kill(getpid(), SIGTERM));
  obs_pending("pending.blocked_sent");

  // Sizes: a short one writes its first bytes only (the set's low-addressed bytes).
  uint64_t full = 0;
  (void)pending(&full, sizeof full);
  unsigned char bytes[16];
  memset(bytes, 0xa5, sizeof bytes);
  const long short_size = pending(bytes, 4);
  int same = short_size == 0 && memcmp(bytes, &full, 4) == 0;
  for (int i = 4; i < 16; i++) same = same && bytes[i] == 0xa5;
  obs("pending.size_4", "%s",
      short_size != 0 ? errno_name(errno)
      : same          ? "first_4_bytes"
                      : "other");
  memset(bytes, 0xa5, sizeof bytes);
  const long zero_size = pending(bytes, 0);
  same = zero_size == 0;
  for (int i = 0; i < 16; i++) same = same && bytes[i] == 0xa5;
  obs("pending.size_0", "%s", zero_size != 0 ? errno_name(errno) : same ? "untouched" : "other");
  obs_status("pending.size_0_bad_pointer", (int)pending((void*)8, 0));
  obs_status("pending.size_9", (int)pending(bytes, 9));
  obs_status("pending.size_huge", (int)pending(bytes, ~0ul));
  obs_status("pending.bad_pointer", (int)pending((void*)8, 8));
  obs_status("pending.bad_pointer_size_9", (int)pending((void*)8, 9));

  // Setting SIG_IGN again flushes the pending SIGTERM (do_sigaction); unblocking delivers the
  // rest.
  obs_status("ignore.term_again", signal(SIGTERM, SIG_IGN) == SIG_ERR ? -1 : 0);
  obs_pending("pending.after_ignore");
  obs_status("unblock", (int)mask(SIG_UNBLOCK, blocked));
  obs("taken", "usr1 %s rt %s", taken & (1 << SIGUSR1) ? "yes" : "no",
      taken & (1 << (RT_SIGNAL % 32)) ? "yes" : "no");
  obs_pending("pending.after_unblock");
  return 0;
}
