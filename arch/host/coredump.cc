// Host stand-in for the coredump contract: host tests have no user context, so a core of one has
// no registers and no notes beyond the writer's own.
#include "kernel/arch/coredump.h"

void arch_core_thread(const UserContext*, ArchCoreThread& out) {
  out = ArchCoreThread{};
  out.thread.order = ByteOrder::Little;
}

const CoreExtraSegments* arch_core_extra_segments(const MmuOps&, ArchCoreExtra&) { return nullptr; }
