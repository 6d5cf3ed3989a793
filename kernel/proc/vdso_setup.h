// The kernel's vDSO: on first use, the arch's image (kernel/arch/vdso.h) is copied into pages of
// its own, a zeroed data page is filled (the counter frequency, the clock base, the arch's
// syscall map), and one VdsoMapping (kernel/proc/vdso.h) over them serves every process of that
// arch. The kernel keeps the data current with vdso_refresh() before each return to user mode.
#pragma once

#include "kernel/lib/result.h"
#include "kernel/proc/process_arch.h"
#include "kernel/proc/vdso.h"

// The arch's vDSO, set up on the first call. Errors: NotSupported when the arch has no image
// (the host), Invalid when the image is not an ELF file, NoMemory when its pages cannot be had.
Result<const VdsoMapping*> vdso_for(const ProcessArch& arch);
// Moves the data page's clock base to now (a no-op before vdso_for succeeded).
void vdso_refresh();
// The address a handler returns to through the vDSO of an address space whose vdso pointer is
// `vdso` (stale or not, as Linux uses it), or 0 when the pointer is 0 or there is no vDSO.
uint64_t vdso_sigtramp(uint64_t vdso);
