#include "tools/runner/run_plan.h"

#include <filesystem>

#include "tools/runner/boot_config.h"
#include "tools/runner/failure_record.h"

namespace maplet::runner {

RunPlan plan_runs(const Options& options) {
  RunPlan plan;
  BootConfigTable table = load_boot_configs(options.config_file);
  if (!table.error.empty()) {
    plan.error = table.error;
    return plan;
  }
  BootSelection selection = select_boot_configs(table, options);
  if (!selection.error.empty()) {
    plan.error = selection.error;
    return plan;
  }
  bool any_record = false;
  for (const BootConfig* config : selection.configs) {
    if (!options.failed) {
      plan.setups.push_back(arch_setup(*config, options));
      continue;
    }
    auto dir = std::filesystem::path(options.artifacts) / config->name;
    FailureRecord record = read_failure_record(dir);
    if (!record.error.empty()) {
      plan.error = record.error;
      return plan;
    }
    any_record = any_record || record.exists;
    if (!record.exists) {
      plan.notes.push_back(config->name + ": no earlier run recorded in " + dir.string());
    } else if (record.filter.empty()) {
      plan.notes.push_back(config->name + ": nothing failed last time");
    } else {
      Options narrowed = options;
      narrowed.filter = record.filter;
      plan.setups.push_back(arch_setup(*config, narrowed));
    }
  }
  if (options.failed && !any_record) {
    plan.error = "--failed: no earlier run recorded under " + options.artifacts +
                 " for the selected configurations";
  } else if (options.gdb && plan.setups.size() != 1) {
    plan.error = "--gdb needs exactly one configuration (" + std::to_string(plan.setups.size()) +
                 " selected); choose one with --arch or --config";
  }
  return plan;
}

}  // namespace maplet::runner
