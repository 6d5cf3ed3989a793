// How a core file reaches the host, for core_set_transport: as the artifact "<comm>.core",
// through the arch's host-file channel into the runner's maplet.host_dir= when there is one
// (arm64's semihosting moves a 64 MiB core in seconds, the console in minutes), else, or when the
// host refuses it, as console artifact frames (kernel/proc/console_artifact.h).
#pragma once

#include "kernel/arch/boot.h"
#include "kernel/coredump/process_core.h"
#include "kernel/lib/format.h"
#include "kernel/lib/string_view.h"

struct CoreTransport {
  Sink* console;        // where the frames or the ~hostfile line go
  StringView host_dir;  // maplet.host_dir=; empty: the console only
};

// maplet.host_dir= of the command line, or empty.
StringView core_host_dir(const BootInfo& info);

// A CoreTransportFn over a CoreTransport; always true (a refused host file falls back to the
// console, which cannot refuse).
bool core_transport_send(void* transport, const CoreStream& core);
