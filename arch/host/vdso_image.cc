// Host stand-in: no user mode, so no vDSO image; processes the host tests start have no vDSO.
#include "kernel/arch/vdso.h"

ArchVdsoImage arch_vdso_image() { return {nullptr, 0, 0}; }
