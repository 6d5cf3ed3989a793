#include "kernel/arch/cpu_features.h"

// Memory tagging and branch target identification are arm64 extensions; the Power ISA has
// neither.
bool arch_supports_mte() { return false; }

bool arch_supports_bti() { return false; }
