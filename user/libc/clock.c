// clock_gettime as the C library reads it (through the vDSO when the kernel maps one, else the
// system call), and nanosleep measured by it.
#include <stdio.h>
#include <time.h>

static long long ns(const struct timespec* t) { return t->tv_sec * 1000000000LL + t->tv_nsec; }

int main(void) {
  struct timespec a, b, c, r;
  int ok = clock_gettime(CLOCK_MONOTONIC, &a) == 0 && clock_gettime(CLOCK_MONOTONIC, &b) == 0;
  struct timespec nap = {0, 20 * 1000 * 1000};
  int slept = nanosleep(&nap, NULL) == 0;
  ok &= clock_gettime(CLOCK_MONOTONIC, &c) == 0;
  printf("clock.monotonic %s\n", ok ? "ok" : "error");
  printf("clock.never_backwards %s\n", ns(&b) >= ns(&a) && ns(&c) >= ns(&b) ? "yes" : "no");
  printf("clock.nanosleep %s\n", slept ? "ok" : "error");
  printf("clock.slept_20ms %s\n", ns(&c) - ns(&b) >= 20 * 1000 * 1000 ? "yes" : "no");
  printf("clock.realtime %s\n", clock_gettime(CLOCK_REALTIME, &r) == 0 ? "ok" : "error");
  printf("clock.nsec_in_range %s\n", a.tv_nsec >= 0 && a.tv_nsec < 1000000000 ? "yes" : "no");
  return 0;
}
