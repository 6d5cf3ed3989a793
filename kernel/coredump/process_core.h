// When and how a process's core file is written (Linux 6.12 fs/coredump.c do_coredump, for a
// core_pattern of a plain file name): a process killed by a signal whose default action dumps
// core gets a core unless prctl(PR_SET_DUMPABLE, 0) turned that off or its RLIMIT_CORE soft
// limit is below one page (binfmt->min_coredump: no core at all); a core longer than the limit is
// cut where Linux cuts it, before the first whole write (a header, a note's part, a page) that
// would pass the limit, the holes it seeks over not counted (kernel/coredump/core_emitter.h,
// fs/coredump.c __dump_emit, dump_emit_page, __dump_skip), and still counts as written.
//
// The core goes to the registered transport as a stream: its name "<comm>.core", its size and
// CRC-32 first (the writer runs once into a counting sink, then again into the transport's, from
// the same snapshot of a process that no longer runs), then the bytes.
#pragma once

#include <stdint.h>

#include "kernel/lib/format.h"
#include "kernel/proc/process.h"

struct CoreStream {
  const char* name;  // "<comm>.core"
  uint64_t size;
  uint32_t crc;
  // Writes the `size` bytes into `sink`; call once.
  void (*write)(void* context, Sink& sink);
  void* context;
};

// Sends a core; false when it could not (the process then ends without the core bit).
using CoreTransportFn = bool (*)(void* context, const CoreStream& core);

struct CoreTransportHook {
  CoreTransportFn send;
  void* context;
};

// Where cores go; without a transport no core is written. Returns the transport it replaces.
CoreTransportHook core_set_transport(CoreTransportFn transport, void* context);

// Called by the fatal-signal path for a core-dumping signal: writes the core of `p` (still with
// its memory and registers) for the signal `info`, and returns whether one was written (the wait
// status's core bit). No memory for the snapshot, or no transport, is no core.
bool process_dump_core(Process& p, const SignalInfo& info);

// Writes the core of `p`, a process that is not dying and not running now (between two runs
// of the scheduler, or never run since exec), into `out`, cut by `limit` as RLIMIT_CORE cuts it, as
// a debugger's snapshot of a live process: the core process_dump_core would write but with no
// signal (pr_cursig 0, NT_SIGINFO all zero) and without PF_DUMPCORE and PF_SIGNALED. Neither
// RLIMIT_CORE nor PR_SET_DUMPABLE applies, and no transport is needed. Called with no process
// running: it activates `p`'s address space while it writes and leaves none active. Returns the
// bytes written.
// Errors: Invalid for a process without memory or registers; NoMemory; those of write_core.
Result<uint64_t> process_write_core(Process& p, uint64_t limit, Sink& out);
