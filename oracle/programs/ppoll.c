// ppoll (fs/select.c): the checks and their order (EFAULT and EINVAL for the timeout, the
// sigmask's size and address, more fds than RLIMIT_NOFILE, an unreadable fd array), the revents
// of stdout (a pipe), an fd not open (POLLNVAL), a negative one and /proc/self/maps
// (DEFAULT_POLLMASK); no fds with a zero timeout (0 at once), with a timeout (0 once it is over,
// the timeout written back as 0) or without one until SIGALRM's handler (EINTR, the time left
// written back within the timeout); the sigmask: in force for the wait (a pending signal it lets
// through is EINTR at once, the handler's frame and the mask afterwards the one ppoll replaced;
// a signal it blocks waits until the call is over and is then taken at once).
#define _GNU_SOURCE
#include <poll.h>
#include <sys/time.h>
#include <time.h>

#include "oracle/programs/obs_signal.h"

static volatile int alarms, usr1s;
static volatile uint64_t usr1_blocked, usr1_frame_mask;

static void on_alarm(int signo, siginfo_t* info, void* context) {
  (void)signo;
  (void)info;
  (void)context;
  alarms++;
}

static void on_usr1(int signo, siginfo_t* info, void* context) {
  (void)signo;
  (void)info;
  uint64_t now = 0;
  syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &now, sizeof now);
  usr1_blocked = now;
  const ucontext_t* uc = context;
  memcpy((void*)&usr1_frame_mask, &uc->uc_sigmask, sizeof(uint64_t));
  usr1s++;
}

static long ppoll_raw(struct pollfd* fds, unsigned long nfds, struct timespec* timeout,
                      const uint64_t* mask, unsigned long size) {
  return syscall(SYS_ppoll, fds, nfds, timeout, mask, size);
}

static void obs_ret(const char* key, long r) {
  if (r < 0) {
    obs(key, "error %s", errno_name(errno));
  } else {
    obs(key, "%ld", r);
  }
}

static uint64_t blocked_now(void) {
  uint64_t now = 0;
  syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &now, sizeof now);
  return now;
}

static void alarm_in(long us) {
  struct itimerval v = {{0, 0}, {0, us}};
  setitimer(ITIMER_REAL, &v, NULL);
}

int main(void) {
  obs_status("handle.alarm", obs_handle(SIGALRM, on_alarm, 0, 0));
  obs_status("handle.usr1", obs_handle(SIGUSR1, on_usr1, 0, 0));

  struct timespec zero = {0, 0};
  obs_ret("ppoll.none_zero", ppoll_raw(NULL, 0, &zero, NULL, 0));
  struct timespec bad = {0, 1000000000};
  obs_ret("ppoll.bad_timeout", ppoll_raw(NULL, 0, &bad, NULL, 0));
  struct timespec negative = {-1, 0};
  obs_ret("ppoll.negative_timeout", ppoll_raw(NULL, 0, &negative, NULL, 0));
  obs_ret("ppoll.timeout_fault", ppoll_raw(NULL, 0, (struct timespec*)8, NULL, 0));
  const uint64_t none = 0;
  obs_ret("ppoll.mask_size_4", ppoll_raw(NULL, 0, &zero, &none, 4));
  obs_ret("ppoll.mask_size_16", ppoll_raw(NULL, 0, &zero, &none, 16));
  obs_ret("ppoll.mask_fault", ppoll_raw(NULL, 0, &zero, (const uint64_t*)8, 8));
  obs_ret("ppoll.bad_timeout_before_mask", ppoll_raw(NULL, 0, &bad, &none, 4));
  obs_ret("ppoll.nfds_over_nofile", ppoll_raw(NULL, 1025, &zero, NULL, 0));
  obs_ret("ppoll.fds_fault", ppoll_raw((struct pollfd*)8, 1, &zero, NULL, 0));

  const int maps = open("/proc/self/maps", O_RDONLY);
  struct pollfd fds[5] = {
      {1, POLLOUT | POLLIN, -1},
      {99, POLLIN, -1},
      {-1, POLLIN, -1},
      {maps, POLLIN | POLLOUT | POLLPRI, -1},
      {1, 0, -1},
  };
  obs_ret("ppoll.fds", ppoll_raw(fds, 5, &zero, NULL, 0));
  for (int i = 0; i < 5; i++) {
    char key[32];
    snprintf(key, sizeof key, "revents.%d", i);
    obs(key, "%#x", (unsigned)(unsigned short)fds[i].revents);
  }

  struct timespec short_wait = {0, 20000000};
  obs_ret("ppoll.timeout", ppoll_raw(NULL, 0, &short_wait, NULL, 0));
  obs("ppoll.timeout_left", "%ld %ld", (long)short_wait.tv_sec, short_wait.tv_nsec);

  alarm_in(20000);
  obs_ret("ppoll.forever_alarm", ppoll_raw(NULL, 0, NULL, NULL, 0));
  obs("alarms.forever", "%d", alarms);
  alarm_in(20000);
  struct timespec long_wait = {5, 0};
  obs_ret("ppoll.long_alarm", ppoll_raw(NULL, 0, &long_wait, NULL, 0));
  const long left_ns = long_wait.tv_sec * 1000000000L + long_wait.tv_nsec;
  obs("ppoll.long_left", "%s", left_ns > 0 && left_ns < 5000000000L ? "within" : "outside");
  obs("alarms.long", "%d", alarms);

  // SIGUSR1 blocked and pending: a sigmask without it lets it through at once.
  const uint64_t usr1 = obs_sigbit(SIGUSR1), alrm = obs_sigbit(SIGALRM);
  syscall(SYS_rt_sigprocmask, SIG_BLOCK, &usr1, NULL, sizeof usr1);
  kill(getpid(), SIGUSR1);
  long_wait.tv_sec = 5;
  long_wait.tv_nsec = 0;
  obs_ret("ppoll.mask_lets_pending", ppoll_raw(NULL, 0, &long_wait, &none, 8));
  obs("usr1.taken", "%d", usr1s);
  obs("usr1.blocked_in_handler", "%#llx", (unsigned long long)usr1_blocked);
  obs("usr1.frame_mask", "%#llx", (unsigned long long)usr1_frame_mask);
  obs("mask.after_usr1", "%#llx", (unsigned long long)blocked_now());
  // A zero timeout with the mask: 0, and the old mask back.
  obs_ret("ppoll.mask_zero", ppoll_raw(NULL, 0, &zero, &alrm, 8));
  obs("mask.after_zero", "%#llx", (unsigned long long)blocked_now());
  // SIGALRM blocked for the wait: the timeout ends it, the alarm is taken as the call returns.
  const int before = alarms;
  alarm_in(10000);
  short_wait.tv_sec = 0;
  short_wait.tv_nsec = 100000000;
  const long masked = ppoll_raw(NULL, 0, &short_wait, &alrm, 8);
  const int on_return = alarms - before;
  obs_ret("ppoll.mask_blocks_alarm", masked);
  obs("alarms.on_return", "%d", on_return);
  obs("mask.after_alarm", "%#llx", (unsigned long long)blocked_now());
  return 0;
}
