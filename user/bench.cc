// The speed measurement `make bench` runs (not a test; it is packed as /bench/bench, which only a
// kernel booted with maplet.bench=1 runs): the cost in nanoseconds of guest time of a null
// system call (getpid), a page fault on a fresh anonymous page, mmap + touch + munmap of one
// page, and a signal's delivery and return (kill to self, a handler returning through
// SA_RESTORER on arm64, the vDSO's trampoline on powerpc, which ignores SA_RESTORER), each the
// median of RUNS single operations. Every figure is one diagnostic line
//   # bench <name> <ns> ns median of <runs> (min <ns>, max <ns>)
// Under QEMU's TCG these are emulated-time figures.
//
// The clock is the counter user programs may read without a system call: arm64 CNTVCT_EL0 at
// CNTFRQ_EL0 Hz; powerpc's time base (mftb), whose frequency Linux does not tell programs, so it
// is measured against clock_gettime(CLOCK_MONOTONIC) over the whole run.

#include "kernel/lib/bench_figure.h"
#include "user/lib/ktap.h"
#include "user/lib/signal.h"
#include "user/lib/start.h"
#include "user/lib/syscall.h"

namespace {

using namespace sys;

constexpr int RUNS = 201;
constexpr uint64_t PAGE = 4096;
constexpr long ANON = MAP_PRIVATE | MAP_ANONYMOUS;
constexpr long CLOCK_MONOTONIC = 1;

uint64_t counter() {
  uint64_t value;
#if defined(__aarch64__)
  // The ISB keeps the read after the instructions before it.
  asm volatile("isb; mrs %0, cntvct_el0" : "=r"(value)::"memory");
#else
  asm volatile("mftb %0" : "=r"(value)::"memory");
#endif
  return value;
}

struct Timespec {
  int64_t seconds;
  int64_t nanoseconds;
};
// CLOCK_MONOTONIC in ns, and the counter read next to it.
struct ClockPair {
  uint64_t ns;
  uint64_t ticks;
};
bool clock_pair(ClockPair& pair) {
  Timespec t{};
  pair.ticks = counter();
  if (call(NR_CLOCK_GETTIME, CLOCK_MONOTONIC, reinterpret_cast<long>(&t)) != 0) return false;
  pair.ns = static_cast<uint64_t>(t.seconds) * 1000000000u + static_cast<uint64_t>(t.nanoseconds);
  return true;
}

ClockPair g_start_clock;

// The counter's frequency in Hz; 0 when it cannot be known.
uint64_t counter_frequency() {
#if defined(__aarch64__)
  uint64_t value;
  asm volatile("mrs %0, cntfrq_el0" : "=r"(value));
  return value & 0xffffffffu;
#else
  ClockPair now{};
  if (!clock_pair(now) || now.ns <= g_start_clock.ns) return 0;
  return (now.ticks - g_start_clock.ticks) * 1000000000u / (now.ns - g_start_clock.ns);
#endif
}

// Samples in counter ticks, reported once the frequency is known (powerpc's needs the run).
struct Figure {
  const char* name;
  uint64_t ticks[RUNS];
  int count;
};
Figure g_figures[4];
int g_figure_count;

Figure& figure(const char* name) {
  Figure& f = g_figures[g_figure_count++];
  f.name = name;
  return f;
}

void report(Figure& f, uint64_t frequency) {
  if (!KTAP_EXPECT(f.count == RUNS) || !KTAP_EXPECT(frequency != 0)) return;
  char text[160];
  bench_figure(text, sizeof(text), f.name, f.ticks, static_cast<unsigned>(f.count), frequency);
  ktap_diag("%s", text);
}

int g_handled;
void on_usr1(int, sig::Info*, void*) { g_handled++; }

}  // namespace

int main(const StartInfo&) {
  ktap_plan(5);
  ktap_diag("figures are ns of guest time; under QEMU TCG they are emulated time");
  KTAP_EXPECT(clock_pair(g_start_clock));

  ktap_run("null_syscall", [] {
    Figure& f = figure("null_syscall");
    for (int i = 0; i < RUNS; i++) {
      const uint64_t t0 = counter();
      const long pid = getpid();
      const uint64_t t1 = counter();
      if (!KTAP_EXPECT(pid > 0)) return;
      f.ticks[f.count++] = t1 - t0;
    }
  });

  ktap_run("page_fault", [] {
    Figure& f = figure("page_fault");
    const long region = mmap(0, RUNS * PAGE, PROT_READ | PROT_WRITE, ANON);
    if (!KTAP_EXPECT(region > 0)) return;
    for (int i = 0; i < RUNS; i++) {
      volatile uint8_t* page = at(region) + i * PAGE;
      const uint64_t t0 = counter();
      *page = 1;
      const uint64_t t1 = counter();
      f.ticks[f.count++] = t1 - t0;
    }
    KTAP_EXPECT(munmap(static_cast<uint64_t>(region), RUNS * PAGE) == 0);
  });

  ktap_run("mmap_touch_munmap", [] {
    Figure& f = figure("mmap_touch_munmap");
    for (int i = 0; i < RUNS; i++) {
      const uint64_t t0 = counter();
      const long page = mmap(0, PAGE, PROT_READ | PROT_WRITE, ANON);
      if (!KTAP_EXPECT(page > 0)) return;
      *at<volatile uint8_t>(page) = 1;
      const long unmapped = munmap(static_cast<uint64_t>(page), PAGE);
      const uint64_t t1 = counter();
      if (!KTAP_EXPECT(unmapped == 0)) return;
      f.ticks[f.count++] = t1 - t0;
    }
  });

  ktap_run("signal_round_trip", [] {
    Figure& f = figure("signal_round_trip");
    const long pid = getpid();
    if (!KTAP_EXPECT(sig::sigaction(sig::SIGUSR1, on_usr1) == 0)) return;
    for (int i = 0; i < RUNS; i++) {
      const uint64_t t0 = counter();
      const long sent = call(NR_KILL, pid, sig::SIGUSR1);
      const uint64_t t1 = counter();
      if (!KTAP_EXPECT(sent == 0)) return;
      f.ticks[f.count++] = t1 - t0;
    }
    KTAP_EXPECT(g_handled == RUNS);
  });

  ktap_run("report", [] {
    const uint64_t frequency = counter_frequency();
    ktap_diag("bench counter %lu Hz", static_cast<unsigned long>(frequency));
    for (int i = 0; i < g_figure_count; i++) report(g_figures[i], frequency);
  });
  return ktap_finish();
}
