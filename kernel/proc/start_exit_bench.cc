#include "kernel/proc/start_exit_bench.h"

#include "kernel/arch/timer.h"
#include "kernel/lib/bench_figure.h"
#include "kernel/proc/process.h"
#include "kernel/proc/scheduler.h"
#include "kernel/proc/user_suites.h"

namespace {

constexpr unsigned MAX_RUNS = 64;

void discard(void*, const char*, size_t) {}

}  // namespace

void bench_process_start_exit(const BootInfo& info, const char* path, unsigned runs, Sink& out) {
  if (runs > MAX_RUNS) runs = MAX_RUNS;
  uint64_t ticks[MAX_RUNS];
  Sink none(&discard, nullptr);
  const SchedulerOptions options = user_scheduler_options(info);
  for (unsigned i = 0; i < runs; i++) {
    const char* reason = nullptr;
    const uint64_t start = arch_counter_read();
    Result<Process*> started = user_program_start(info, path, &none, &none, &reason);
    if (started.is_error()) {
      format(out, "# bench process_start_exit not available (%s: %s)\n", path, reason);
      return;
    }
    Process* p = started.value();
    scheduler_add(p, options);
    scheduler_run_until_exit(p);
    const uint64_t end = arch_counter_read();
    const bool exited = p->exit.kind == ExitKind::Exited && p->exit.status == 0;
    process_destroy(p);
    if (!exited) {
      format(out, "# bench process_start_exit not available (%s did not exit 0)\n", path);
      return;
    }
    ticks[i] = end - start;
  }
  if (runs == 0) return;
  char text[160];
  bench_figure(text, sizeof(text), "process_start_exit", ticks, runs, arch_counter_frequency());
  format(out, "# %s\n", text);
}
