// The least thread and process the core writer accepts: an arm64 thread whose 272 bytes of
// registers are zero, a zero siginfo and an empty auxv. For the fuzzer and the benchmark, whose
// subject is the memory a core carries, not its notes (host-tests/core_support.h has the made-up
// threads the tests read back). The members point into the object: it is neither copied nor moved.
#pragma once

#include <stdint.h>

#include "kernel/coredump/core_writer.h"

struct MinimalCore {
  MinimalCore() {
    thread.machine = EM_AARCH64;
    thread.pr_reg = regs;
    thread.pr_reg_size = sizeof(regs);
    process.siginfo = siginfo;
    process.auxv = auxv;
    process.auxv_words = 2;
  }
  MinimalCore(const MinimalCore&) = delete;
  MinimalCore& operator=(const MinimalCore&) = delete;

  uint8_t regs[272] = {};
  uint8_t siginfo[CORE_SIGINFO_SIZE] = {};
  uint64_t auxv[2] = {0, 0};  // AT_NULL
  CoreThread thread;
  CoreProcess process;
};
