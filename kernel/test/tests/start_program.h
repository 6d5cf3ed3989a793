// Starting a program of the initramfs from a kernel test case (kernel/test/tests/*.cc).
#pragma once

#include "kernel/lib/boot_info.h"
#include "kernel/lib/error.h"
#include "kernel/proc/user_suites.h"
#include "kernel/test/test.h"

// Starts `path` with `args` (`count` of them) as user_program_start does, its output going to
// `sink`, and returns the new process, not yet queued. Where this kernel has no programs (no
// initramfs, no such file, no user mode) the case is skipped; any other refusal fails it. Either
// way the case ends there and the call does not return.
inline Process* start_test_program(const char* path, Sink* sink, const char* const* args = nullptr,
                                   unsigned count = 0) {
  const char* reason = nullptr;
  Result<Process*> p =
      user_program_start(boot_info(), path, sink, sink, &reason, nullptr, args, count);
  if (p.is_error()) {
    KTEST_NOTE("%s: %s (%s)", path, reason, error_name(p.error()));
    if (p.error() == Error::NotFound || p.error() == Error::NotSupported) {
      KTEST_SKIP("no user programs here");
    }
    ASSERT_OK(p);
  }
  return p.value();
}
