// Host stand-in: the host tests model no memory tagging, no guarded pages and no processor of
// their own.
#include "kernel/arch/cpu_features.h"

bool arch_supports_mte() { return false; }

bool arch_supports_bti() { return false; }

ArchCpuIdentity arch_cpu_identity() { return ArchCpuIdentity{}; }
