#include "kernel/arch/cpu_features.h"

// Memory tagging is an arm64 extension; the Power ISA has none.
bool arch_supports_mte() { return false; }
