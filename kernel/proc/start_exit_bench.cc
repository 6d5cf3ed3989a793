#include "kernel/proc/start_exit_bench.h"

#include "kernel/arch/timer.h"
#include "kernel/lib/bench_figure.h"
#include "kernel/proc/process.h"
#include "kernel/proc/scheduler.h"
#include "kernel/proc/user_suites.h"

namespace {

void discard(void*, const char*, size_t) {}

}  // namespace

Result<void> time_start_exit(const BootInfo& info, const StartExitProgram& program, unsigned runs,
                             uint64_t* ticks, const char** reason) {
  if (runs == 0 || runs > START_EXIT_MAX_RUNS) {
    *reason = "run count out of range";
    return Error::Invalid;
  }
  Sink none(&discard, nullptr);
  const SchedulerOptions options = user_scheduler_options(info);
  for (unsigned i = 0; i < runs; i++) {
    const uint64_t start = arch_counter_read();
    Process* p = TRY(user_program_start(info, program.path, &none, &none, reason, program.argv0,
                                        program.args, program.arg_count));
    scheduler_add(p, options);
    scheduler_run_until_exit(p);
    const uint64_t end = arch_counter_read();
    const bool exited = p->exit.kind == ExitKind::Exited && p->exit.status == 0;
    process_destroy(p);
    if (!exited) {
      *reason = "did not exit 0";
      return Error::Invalid;
    }
    ticks[i] = end - start;
  }
  return {};
}

void bench_process_start_exit(const BootInfo& info, const char* path, unsigned runs, Sink& out) {
  uint64_t ticks[START_EXIT_MAX_RUNS];
  const char* reason = nullptr;
  if (time_start_exit(info, StartExitProgram{path, nullptr, nullptr, 0}, runs, ticks, &reason)
          .is_error()) {
    format(out, "# bench process_start_exit not available (%s: %s)\n", path, reason);
    return;
  }
  char text[160];
  bench_figure(text, sizeof(text), "process_start_exit", ticks, runs, arch_counter_frequency());
  format(out, "# %s\n", text);
}
