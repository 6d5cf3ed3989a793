// nanosleep ended by a handled signal, as Linux 6.12 does it: run as a pair by the kernel's tests
// process.nanosleep_is_interrupted_by_a_handled_signal and its scv twin. Without arguments it is
// the sleeper: it handles SIGUSR1 and sleeps 5 s, which must end early with EINTR, the handler run
// once and the time left (less than 5 s, more than 0) in rem; its exit status says which check
// failed (0: none). With argv[1] = "scv" it is the sleeper making its nanosleep with scv 0 on
// powerpc (its -EINTR is r3 as it is), or exits NO_SCV at once where there is no scv. With
// argv[1] = a pid it is the sender: it sleeps 50 ms, so the sleeper is asleep, sends that pid
// SIGUSR1 and exits 0.

#include "user/lib/signal.h"
#include "user/lib/start.h"
#include "user/lib/syscall.h"

namespace {

using namespace sys;

struct Timespec {
  int64_t sec, nsec;
};

volatile int g_handled;
void on_usr1(int, sig::Info*, void*) { g_handled = g_handled + 1; }

long parse_pid(const char* s) {
  long pid = 0;
  for (; *s >= '0' && *s <= '9'; s++) pid = pid * 10 + (*s - '0');
  return *s == '\0' ? pid : -1;
}

constexpr int NO_SCV = 30;

int sleeper(bool scv) {
  if (sig::sigaction(sig::SIGUSR1, on_usr1) != 0) return 11;
  const Timespec request{5, 0};
  Timespec left{-1, -1};
  const long req = reinterpret_cast<long>(&request), rem = reinterpret_cast<long>(&left);
#if defined(__powerpc64__)
  const long r = scv ? raw_scv(NR_NANOSLEEP, req, rem, 0, 0, 0, 0) : call(NR_NANOSLEEP, req, rem);
#else
  (void)scv;
  const long r = call(NR_NANOSLEEP, req, rem);
#endif
  if (r != -4 /* EINTR */) return 12;
  if (g_handled != 1) return 13;
  if (left.sec < 0 || left.sec > 4 || left.nsec < 0 || left.nsec >= 1000000000) return 14;
  if (left.sec == 0 && left.nsec == 0) return 15;
  return 0;
}

int sender(long pid) {
  const Timespec pause{0, 50000000};
  if (call(NR_NANOSLEEP, reinterpret_cast<long>(&pause), 0) != 0) return 20;
  if (call(NR_KILL, pid, sig::SIGUSR1) != 0) return 21;
  return 0;
}

bool has_scv(const StartInfo& start) {
#if defined(__powerpc64__)
  constexpr uint64_t AT_HWCAP2 = 26;
  return (getauxval(start, AT_HWCAP2) & PPC_FEATURE2_SCV) != 0;
#else
  (void)start;
  return false;
#endif
}

bool is_scv(const char* s) { return s[0] == 's' && s[1] == 'c' && s[2] == 'v' && s[3] == '\0'; }

}  // namespace

int main(const StartInfo& start) {
  if (start.argc < 2) return sleeper(false);
  if (is_scv(start.argv[1])) return has_scv(start) ? sleeper(true) : NO_SCV;
  const long pid = parse_pid(start.argv[1]);
  return pid > 0 ? sender(pid) : 22;
}
