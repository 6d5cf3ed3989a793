// Host stand-in: the host tests model no memory tagging and no processor of their own.
#include "kernel/arch/cpu_features.h"

bool arch_supports_mte() { return false; }

ArchCpuIdentity arch_cpu_identity() { return ArchCpuIdentity{}; }
