// Host stand-in: the host tests model no memory tagging.
#include "kernel/arch/cpu_features.h"

bool arch_supports_mte() { return false; }
